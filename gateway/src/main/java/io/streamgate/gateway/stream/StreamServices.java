package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.metrics.StreamLog;
import java.util.function.LongSupplier;

/**
 * What every stream shares: its settings, where it reports, and the clock that times the gateway's own share of
 * the latency ({@link System#nanoTime()} outside tests). Thread-safe.
 */
public record StreamServices(
        StreamSettings settings, GatewayMetrics metrics, StreamRegistry registry, StreamLog log, LongSupplier clock) {
    public StreamServices {
        requireNonNull(settings, "settings");
        requireNonNull(metrics, "metrics");
        requireNonNull(registry, "registry");
        requireNonNull(log, "log");
        requireNonNull(clock, "clock");
    }

    public StreamServices(StreamSettings settings, GatewayMetrics metrics, StreamRegistry registry, StreamLog log) {
        this(settings, metrics, registry, log, System::nanoTime);
    }
}
