package io.streamgate.llm;

/**
 * A provider adapter: turns a {@link ChatRequest} into a stream of {@link UpstreamEvent}s.
 *
 * <p>Contract: {@link #stream} returns at once, without blocking I/O on the caller's thread. Events are published
 * from one upstream thread, in order, and end with exactly one terminal event unless the call is cancelled
 * or the sink refuses an event.
 */
public interface LlmProvider {

    /** A short name for logs and the {@code provider} metric label, e.g. {@code openai}. */
    String name();

    UpstreamCall stream(ChatRequest request, TokenSink sink);
}
