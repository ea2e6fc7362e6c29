package io.streamgate.gateway.stream;

import io.streamgate.gateway.config.GatewayConfig;
import java.time.Duration;

/** The per-stream knobs, taken from {@link GatewayConfig}. */
public record StreamSettings(
        int ringCapacity,
        Duration coalesceMaxDelay,
        int coalesceMaxTokens,
        Duration pingInterval,
        int maxAnswerChars,
        int maxSteps,
        Duration firstTokenTimeout,
        Duration upstreamIdleTimeout,
        Duration resumeGrace,
        Duration clientStallTimeout) {

    public static StreamSettings from(GatewayConfig config) {
        return new StreamSettings(
                config.ringCapacity(),
                config.coalesceMaxDelay(),
                config.coalesceMaxTokens(),
                config.pingInterval(),
                config.maxAnswerChars(),
                config.maxSteps(),
                config.upstreamFirstTokenTimeout(),
                config.upstreamIdleTimeout(),
                config.resume().grace(),
                config.clientStallTimeout());
    }
}
