package io.streamgate.llm;

import java.util.function.Function;

/**
 * Sends a provider's {@link StreamingPost} and feeds the answer's SSE events to the provider's {@link StreamParser}:
 * everything in a streaming call that is not the provider's own. Implementations keep {@link LlmProvider}'s stream
 * contract: no blocking I/O on the caller's thread and no event before {@code start} returns, events in order,
 * exactly one terminal event unless cancelled or refused.
 *
 * <p>Two exist: {@link OkHttpTransport} (a virtual thread per stream, parking while the consumer is behind) and
 * {@code io.streamgate.llm.netty.NettyTransport} (the stream read on an event loop, pausing reads instead).
 */
public interface UpstreamTransport {

    /**
     * @param parser builds the provider's parser around the sink the transport hands it (a guarded one)
     */
    UpstreamCall start(StreamingPost post, TokenSink sink, Function<? super TokenSink, ? extends StreamParser> parser);
}
