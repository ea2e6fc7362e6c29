package io.streamgate.gateway.stream;

/**
 * A copy of one stream's journal kept elsewhere (on Redis), so that other nodes can resume it. Called by the
 * {@link StreamJournal} on the stream's event loop: each event as it is encoded, then once per flush, so the copy is
 * written at most once per coalesced batch (the Redis copy gathers several), never per token.
 */
public interface JournalMirror {

    /** One encoded event of the batch being built. {@code sse} is never changed afterwards, so it may be kept. */
    void event(long sequence, byte[] sse);

    /** The batch left for the client: send the events added since the last flush. */
    void flushed();

    /** The stream ended, after its last flush. */
    void ended();
}
