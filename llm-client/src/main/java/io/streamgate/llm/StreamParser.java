package io.streamgate.llm;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Turns one provider's SSE events into {@link UpstreamEvent}s published to a sink. This is the only part of a
 * streaming adapter that differs between providers; the transport's call ({@link SseUpstreamCall} on OkHttp,
 * {@code NettyUpstreamCall} on Netty) owns everything else (the one terminal event, cancel, failure mapping,
 * connection reuse).
 *
 * <p>One parser per call, used by the upstream thread only, so implementations may keep plain mutable state. Events
 * arrive as {@link SseEvent} views over bytes, so each event's JSON is read straight from the bytes the transport
 * framed; a view is only valid during the call it is handed to.
 */
public interface StreamParser {

    /**
     * Handles one SSE event.
     *
     * @param event the event's {@code event:} name (if any) and data (its {@code data:} lines joined), valid during
     *     this call only
     * @return {@code true} to keep reading; {@code false} once the stream has ended (normally or with an in-stream
     *     error) or the sink refused an event
     * @throws IOException if the data is not the well-formed JSON the provider promises
     */
    boolean onEvent(SseEvent event) throws IOException;

    /**
     * Whether the provider's end-of-stream marker has arrived. After it the body is complete: it is read to its end
     * so the connection can go back to the pool, and the body's end is no longer an error.
     */
    boolean reachedEnd();

    /** How the end-of-stream marker is named in errors, e.g. {@code [DONE]} or {@code message_stop}. */
    String endMarker();

    /**
     * Hands one event to {@code parser} while {@code sink} is open; data that is not well-formed JSON is reported to
     * {@code fail} as a non-retryable {@code upstream_error}. Both transports deliver events through this.
     *
     * @return whether to keep reading
     */
    static boolean deliver(StreamParser parser, GuardedSink sink, SseEvent event, Consumer<UpstreamError> fail) {
        if (!sink.isOpen()) {
            return false;
        }
        try {
            return parser.onEvent(event);
        } catch (IOException e) {
            fail.accept(UpstreamError.of(ErrorCode.UPSTREAM_ERROR, "upstream sent malformed JSON", false));
            return false;
        }
    }
}
