package io.streamgate.gateway.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * The gateway's Prometheus metrics. Names and labels are a contract: dashboards use them.
 *
 * <p>Latency histograms have buckets below one millisecond because the gateway's own share is meant to be that
 * small. Every method is safe from any thread and allocation-free on the per-chunk path.
 */
public final class GatewayMetrics {

    /** How a stream ended, the {@code status} label of {@code streaming_completions_total}. */
    public enum Outcome {
        SUCCESS("success"),
        ERROR("error"),
        TIMEOUT("timeout"),
        CANCELLED("cancelled");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    static final double[] LATENCY_BUCKETS_MS = {
        0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000
    };

    private final PrometheusRegistry registry;
    private final Histogram firstByteLatency;
    private final Histogram firstTokenLatency;
    private final Histogram addedLatency;
    private final Counter upstreamRequests;
    private final Counter chunks;
    private final Counter completions;
    private final Counter tokens;
    private final Counter estimatedTokens;
    private final CounterDataPoint[] completionsByOutcome = new CounterDataPoint[Outcome.values().length];
    private final java.util.concurrent.atomic.AtomicLong activeStreams = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param heldBytes the bytes currently held by streams (rings, coalescers, outbound buffers); read at scrape
     */
    public GatewayMetrics(PrometheusRegistry registry, LongSupplier heldBytes) {
        this.registry = registry;
        firstByteLatency = Histogram.builder()
                .name("streaming_first_byte_latency_ms")
                .help("Request accepted to the first event written to the client, in milliseconds")
                .classicUpperBounds(LATENCY_BUCKETS_MS)
                .classicOnly()
                .register(registry);
        firstTokenLatency = Histogram.builder()
                .name("streaming_first_token_latency_ms")
                .help("Request accepted to the first content written to the client, in milliseconds")
                .classicUpperBounds(LATENCY_BUCKETS_MS)
                .classicOnly()
                .register(registry);
        addedLatency = Histogram.builder()
                .name("streaming_gateway_added_latency_ms")
                .help("Per text chunk written to a client: from the arrival of its oldest upstream delta to its write, "
                        + "in milliseconds (tool and thinking time excluded)")
                .classicUpperBounds(LATENCY_BUCKETS_MS)
                .classicOnly()
                .register(registry);
        upstreamRequests = Counter.builder()
                .name("upstream_requests_total")
                .help("Upstream calls by provider and outcome (success, cancelled, or the error code)")
                .labelNames("provider", "outcome")
                .register(registry);
        chunks = Counter.builder()
                .name("streaming_chunks_total")
                .help("message_chunk events written to clients")
                .register(registry);
        completions = Counter.builder()
                .name("streaming_completions_total")
                .help("Streams ended, by how they ended")
                .labelNames("status")
                .register(registry);
        for (Outcome o : Outcome.values()) {
            completionsByOutcome[o.ordinal()] = completions.labelValues(o.label);
        }
        tokens = Counter.builder()
                .name("llm_tokens_total")
                .help("Tokens used, by tenant, routed model and kind (prompt, completion, cache_read, cache_write); "
                        + "includes estimated counts, see llm_tokens_estimated_total")
                .labelNames("tenant", "model", "kind")
                .register(registry);
        estimatedTokens = Counter.builder()
                .name("llm_tokens_estimated_total")
                .help("The part of llm_tokens_total that is estimated (characters / 4) because the provider reported "
                        + "no usage, e.g. for a stream cut by a disconnect or a stop")
                .labelNames("tenant", "model", "kind")
                .register(registry);
        GaugeWithCallback.builder()
                .name("streaming_active_connections")
                .help("Streams in flight")
                .callback(cb -> cb.call(activeStreams.get()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("streaming_memory_mb")
                .help("Memory held by in-flight streams (token rings, pending chunks, outbound socket buffers), in MiB")
                .callback(cb -> cb.call(heldBytes.getAsLong() / (1024.0 * 1024.0)))
                .register(registry);
    }

    /** Exports the history cache's lookups by result; read at scrape. */
    public void watchHistoryCache(LongSupplier hits, LongSupplier misses) {
        CounterWithCallback.builder()
                .name("streaming_history_cache_lookups_total")
                .help("Follow-up messages whose history window was cached (hit) or had to be read from the store (miss)")
                .labelNames("result")
                .callback(cb -> {
                    cb.call(hits.getAsLong(), "hit");
                    cb.call(misses.getAsLong(), "miss");
                })
                .register(registry);
    }

    /** Exports the store executor's backlog and the requests it refused (503 {@code store_busy}); read at scrape. */
    /** {@code streaming_redis_up}: 1 while the shared Redis is usable, 0 while this node has fallen back to local state. */
    public void watchRedis(java.util.function.BooleanSupplier up) {
        GaugeWithCallback.builder()
                .name("streaming_redis_up")
                .help("1 while the shared Redis is usable; 0 while resume, stop and limits are node-local")
                .callback(cb -> cb.call(up.getAsBoolean() ? 1 : 0))
                .register(registry);
    }

    public void watchStoreQueue(LongSupplier queued, LongSupplier refused) {
        GaugeWithCallback.builder()
                .name("streaming_store_queue_depth")
                .help("Store tasks waiting for a store thread")
                .callback(cb -> cb.call(queued.getAsLong()))
                .register(registry);
        CounterWithCallback.builder()
                .name("streaming_store_busy_total")
                .help("Requests refused with 503 store_busy because the store's queue was full")
                .callback(cb -> cb.call(refused.getAsLong()))
                .register(registry);
    }

    /** {@code streaming_limits_local_fallback_total}: tenant admissions decided node-local because Redis could not. */
    public void watchLimitsFallback(LongSupplier decidedLocally) {
        CounterWithCallback.builder()
                .name("streaming_limits_local_fallback_total")
                .help("Stream and history-read admissions decided by this node's own tenant limits because the shared "
                        + "Redis was down or too slow")
                .callback(cb -> cb.call(decidedLocally.getAsLong()))
                .register(registry);
    }

    /**
     * Whether the conversation store can be reached, the writes waiting in memory for it to return, and the writes
     * given up (the wait was full, or the store refused one when it came back).
     */
    public void watchStoreHealth(java.util.function.BooleanSupplier up, LongSupplier pending, LongSupplier dropped) {
        GaugeWithCallback.builder()
                .name("streaming_store_up")
                .help("1 while the conversation store can be reached, 0 while it cannot")
                .callback(cb -> cb.call(up.getAsBoolean() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("streaming_store_pending_writes")
                .help("Questions and answers waiting in memory for the conversation store to be reachable again")
                .callback(cb -> cb.call(pending.getAsLong()))
                .register(registry);
        CounterWithCallback.builder()
                .name("streaming_store_dropped_writes_total")
                .help("Questions and answers not stored: the writes waiting for the store were at their bound, or "
                        + "the store refused one when it came back")
                .callback(cb -> cb.call(dropped.getAsLong()))
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void streamStarted() {
        activeStreams.incrementAndGet();
    }

    public void streamEnded(Outcome outcome) {
        activeStreams.decrementAndGet();
        completionsByOutcome[outcome.ordinal()].inc();
    }

    public void firstByte(long nanos) {
        firstByteLatency.observe(nanos / 1_000_000.0);
    }

    public void firstToken(long nanos) {
        firstTokenLatency.observe(nanos / 1_000_000.0);
    }

    public void gatewayAdded(long nanos) {
        addedLatency.observe(nanos / 1_000_000.0);
    }

    /** Counts one finished upstream call; once per stream, so the label lookup is off the per-token path. */
    public void upstreamRequest(String provider, String outcome) {
        upstreamRequests.labelValues(provider, outcome).inc();
    }

    /**
     * Counts one request's tokens; once per request, off the per-token path.
     *
     * @param tenant a configured tenant, or {@code -}; @param model a route's label: both bounded by configuration
     */
    public void tokens(String tenant, String model, io.streamgate.gateway.usage.TokenCount count) {
        add(tokens, tenant, model, "prompt", count.prompt());
        add(tokens, tenant, model, "completion", count.completion());
        add(tokens, tenant, model, "cache_read", count.cacheRead());
        add(tokens, tenant, model, "cache_write", count.cacheWrite());
        add(estimatedTokens, tenant, model, "prompt", count.estimatedPrompt());
        add(estimatedTokens, tenant, model, "completion", count.estimatedCompletion());
    }

    private static void add(Counter counter, String tenant, String model, String kind, long amount) {
        if (amount > 0) {
            counter.labelValues(tenant, model, kind).inc(amount);
        }
    }

    public void chunkWritten() {
        chunks.inc();
    }

    public long activeStreams() {
        return activeStreams.get();
    }
}
