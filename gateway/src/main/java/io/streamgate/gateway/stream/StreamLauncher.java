package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.streamgate.llm.LlmProvider;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Starts streams: wires a {@link StreamBridge} to an output and the provider. One per gateway; thread-safe.
 */
public final class StreamLauncher {

    private final LlmProvider provider;
    private final StreamServices services;
    private final Executor starter;

    public StreamLauncher(LlmProvider provider, StreamServices services, Executor starter) {
        this.provider = requireNonNull(provider, "provider");
        this.services = requireNonNull(services, "services");
        this.starter = requireNonNull(starter, "starter");
    }

    /** How the answer is delivered. */
    public enum Delivery { SSE, JSON_DOCUMENT }

    /**
     * Starts a stream on {@code channel}'s event loop; the caller must be on it. {@code onEnd} runs on the event
     * loop once the stream has ended, however it ended.
     */
    public StreamBridge launch(
            Channel channel,
            String conversationId,
            String tenant,
            StreamRequest request,
            Delivery delivery,
            long acceptedNanos,
            Runnable onEnd) {
        EventOutput output = delivery == Delivery.SSE
                ? new SseOutput(channel)
                : new JsonAnswerOutput(channel, conversationId);
        StreamTag tag = new StreamTag(conversationId, tenant, request.model() == null ? "-" : request.model(), provider.name());
        StreamBridge bridge = new StreamBridge(channel.eventLoop(), output, tag, services, acceptedNanos, onEnd);
        bridge.start(new StreamPlan(provider, request.toChatRequest(List.of()), new EphemeralTurn(request),
                ToolExecutor.NONE, starter));
        return bridge;
    }

    public LlmProvider provider() {
        return provider;
    }
}
