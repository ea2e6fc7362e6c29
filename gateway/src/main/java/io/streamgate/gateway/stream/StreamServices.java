package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.metrics.StreamLog;

/** What every stream shares: its settings and where it reports. Thread-safe. */
public record StreamServices(StreamSettings settings, GatewayMetrics metrics, StreamRegistry registry, StreamLog log) {
    public StreamServices {
        requireNonNull(settings, "settings");
        requireNonNull(metrics, "metrics");
        requireNonNull(registry, "registry");
        requireNonNull(log, "log");
    }
}
