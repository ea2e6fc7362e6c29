package io.streamgate.gateway.stream;

/**
 * Where a {@link StreamBridge} sends a stream's events: an SSE response ({@link SseOutput}) or one JSON document
 * for clients that do not stream ({@link JsonAnswerOutput}). Event-loop confined.
 */
interface EventOutput {

    /** Sends the response head, if this output has one to send early. */
    void start();

    /** Queues one event; nothing reaches the socket before {@link #flush()}. */
    void event(StreamEvent event, long sequence, long timestampMillis);

    /** Writes and flushes what was queued since the last flush. */
    void flush();

    /** Sends a keep-alive during silence, if this output has such a thing. */
    void ping();

    /** Flushes and ends the response. */
    void finish();

    /** Releases what is queued, without writing: the client is gone. */
    void discard();

    /** Closes the client's connection; its close then ends the stream as any disconnect does. */
    void closeConnection();

    /**
     * The client is gone, but the stream may go on for followers and resumes: from now on events are kept, not
     * written. Returns {@code false} when this output keeps nothing, so there is nothing to go on for.
     */
    default boolean detach() {
        return false;
    }

    /** Whether other connections follow this stream live (resumed clients). */
    default boolean hasFollowers() {
        return false;
    }

    /** Whether the client is keeping up. A {@code false} pauses the drain until the channel is writable again. */
    boolean isWritable();

    /** Bytes queued here and in the channel's outbound buffer, for the memory gauge. Any thread. */
    long pendingBytes();

    /** Nanos of the last write to the socket, for the ping timer. */
    long lastWriteNanos();
}
