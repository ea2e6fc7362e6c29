package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.metrics.StreamLog;
import io.streamgate.gateway.usage.UsageMeter;
import java.util.function.LongSupplier;

/**
 * What every stream shares: its settings, where it reports (its token usage too), and the clock that times the
 * gateway's own share of the latency ({@link System#nanoTime()} outside tests). Thread-safe.
 */
public record StreamServices(
        StreamSettings settings, GatewayMetrics metrics, StreamRegistry registry, StreamLog log, UsageMeter usage,
        LongSupplier clock) {
    public StreamServices {
        requireNonNull(settings, "settings");
        requireNonNull(metrics, "metrics");
        requireNonNull(registry, "registry");
        requireNonNull(log, "log");
        requireNonNull(usage, "usage");
        requireNonNull(clock, "clock");
    }

    public StreamServices(
            StreamSettings settings, GatewayMetrics metrics, StreamRegistry registry, StreamLog log, UsageMeter usage) {
        this(settings, metrics, registry, log, usage, System::nanoTime);
    }
}
