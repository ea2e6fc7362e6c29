package io.streamgate.gateway.cache;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * The cache's metrics: {@code cache_lookups_total{result}}, {@code cache_lookup_latency_ms}, {@code cache_entries}
 * and {@code cache_bytes} (by {@code kind}: exact, semantic), {@code cache_stores_total}, and with Redis
 * {@code cache_redis_errors_total}.
 */
public final class CacheMetrics {

    /** How big one part of the cache is. */
    public record Sizes(LongSupplier entries, LongSupplier bytes) {
        public static final Sizes NONE = new Sizes(() -> 0, () -> 0);
    }

    private static final double[] LATENCY_BUCKETS_MS = {
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 25, 50, 100, 250, 1000
    };

    private final CounterDataPoint[] lookups = new CounterDataPoint[CacheResult.values().length];
    private final Histogram latency;
    private final Counter stores;

    /** The sizes are read at each scrape. */
    public CacheMetrics(PrometheusRegistry registry, Sizes exact, Sizes semantic) {
        Counter counter = Counter.builder()
                .name("cache_lookups_total")
                .help("Answer cache lookups by result: exact_hit, semantic_hit, miss, or skipped (Redis could not "
                        + "answer, or the semantic lookup ran out of its time budget or queue)")
                .labelNames("result")
                .register(registry);
        for (CacheResult r : CacheResult.values()) {
            lookups[r.ordinal()] = counter.labelValues(r.label());
        }
        latency = Histogram.builder()
                .name("cache_lookup_latency_ms")
                .help("Time from the start of an answer cache lookup to its decision, in milliseconds")
                .classicUpperBounds(LATENCY_BUCKETS_MS)
                .classicOnly()
                .register(registry);
        stores = Counter.builder()
                .name("cache_stores_total")
                .help("Answers stored in the answer cache")
                .register(registry);
        GaugeWithCallback.builder()
                .name("cache_entries")
                .help("Entries in the answer cache: exact (this node's memory, or every node's in Redis, as last read) "
                        + "and semantic (this node's index)")
                .labelNames("kind")
                .callback(cb -> {
                    cb.call(exact.entries().getAsLong(), "exact");
                    cb.call(semantic.entries().getAsLong(), "semantic");
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("cache_bytes")
                .help("Bytes held by the answer cache, by kind")
                .labelNames("kind")
                .callback(cb -> {
                    cb.call(exact.bytes().getAsLong(), "exact");
                    cb.call(semantic.bytes().getAsLong(), "semantic");
                })
                .register(registry);
    }

    /**
     * {@code cache_redis_errors_total{op}} for exact entries on Redis: {@code write}, stores Redis did not take (down,
     * too slow, refused); {@code read}, entries that were not an answer this node can read (served as misses). Lookups
     * Redis could not answer are {@code cache_lookups_total{result="skipped"}}.
     */
    public void watchRedis(PrometheusRegistry registry, LongSupplier writeFailures, LongSupplier unreadable) {
        CounterWithCallback.builder()
                .name("cache_redis_errors_total")
                .help("Answer cache entries on Redis: stores Redis did not take (write), and entries this node could "
                        + "not read (read, served as misses)")
                .labelNames("op")
                .callback(cb -> {
                    cb.call(writeFailures.getAsLong(), "write");
                    cb.call(unreadable.getAsLong(), "read");
                })
                .register(registry);
    }

    void lookedUp(CacheResult result, long nanos) {
        lookups[result.ordinal()].inc();
        latency.observe(nanos / 1_000_000.0);
    }

    void stored() {
        stores.inc();
    }
}
