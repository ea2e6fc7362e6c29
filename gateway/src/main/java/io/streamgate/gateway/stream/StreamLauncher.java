package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.llm.LlmProvider;
import java.util.concurrent.Executor;

/**
 * Starts streams: wires a {@link StreamBridge} to an output and the provider. One per gateway; thread-safe.
 */
public final class StreamLauncher {

    private final LlmProvider provider;
    private final StreamSettings settings;
    private final GatewayMetrics metrics;
    private final StreamRegistry registry;
    private final Executor starter;

    public StreamLauncher(
            LlmProvider provider, StreamSettings settings, GatewayMetrics metrics, StreamRegistry registry, Executor starter) {
        this.provider = requireNonNull(provider, "provider");
        this.settings = requireNonNull(settings, "settings");
        this.metrics = requireNonNull(metrics, "metrics");
        this.registry = requireNonNull(registry, "registry");
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
            StreamRequest request,
            Delivery delivery,
            long acceptedNanos,
            Runnable onEnd) {
        EventOutput output = delivery == Delivery.SSE
                ? new SseOutput(channel)
                : new JsonAnswerOutput(channel, conversationId);
        StreamBridge bridge =
                new StreamBridge(channel.eventLoop(), output, settings, metrics, registry, acceptedNanos, onEnd);
        bridge.start(provider, request.toChatRequest(), starter);
        return bridge;
    }

    public LlmProvider provider() {
        return provider;
    }
}
