package io.streamgate.bench.jmh;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.streamgate.bench.load.Questions;
import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.cache.CacheKey;
import io.streamgate.gateway.cache.CacheMetrics;
import io.streamgate.gateway.cache.CacheResult;
import io.streamgate.gateway.cache.CacheSettings;
import io.streamgate.gateway.cache.CachedAnswer;
import io.streamgate.gateway.cache.LocalExactStore;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.Usage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The CPU an exact answer-cache lookup costs the event loop, without the wait for the loop: the key (SHA-256 over
 * the request's canonical encoding) and the lookup through {@link AnswerCache#lookup} on an executor that runs its
 * tasks at once, to the decision (Caffeine read, metrics). {@code hit} finds a stored 100-piece answer, {@code miss}
 * a question never stored. What the load harness's {@code cache_lookup_latency_ms} adds on top is the lookup's
 * wait for its turn on the loop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseZGC", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class CacheLookupBenchmark {

    private AnswerCache cache;
    private ChatRequest stored;
    private ChatRequest unknown;

    @Setup
    public void setUp() {
        CacheSettings settings = new CacheSettings(CacheSettings.Mode.EXACT, false, Duration.ofHours(1), 64L << 20,
                256 << 10, CacheSettings.DEFAULT_SEMANTIC_THRESHOLD, 64L << 20, Duration.ofMillis(10),
                CacheSettings.Pacing.INSTANT);
        LocalExactStore store = new LocalExactStore(settings.ttl(), settings.maxBytes(), Ticker.systemTicker());
        cache = new AnswerCache(settings, store, null, new CacheMetrics(new PrometheusRegistry(),
                new CacheMetrics.Sizes(store::entries, store::bytes), CacheMetrics.Sizes.NONE), System::nanoTime);
        Questions questions = Questions.bundled();
        stored = request(questions.get(0));
        unknown = request(questions.get(1));
        CachedAnswer.Builder answer = new CachedAnswer.Builder(256 << 10);
        for (int i = 0; i < 100; i++) {
            answer.add(CachedAnswer.Kind.TEXT, " word" + i, i * 10_000_000L);
        }
        store.put(key(stored), answer.build("stop", new Usage(12, 100, 0, 0)));
        expect(stored, CacheResult.EXACT_HIT);
        expect(unknown, CacheResult.MISS);
    }

    /** The benchmarks measure what they say: a hit and a miss. */
    private void expect(ChatRequest request, CacheResult expected) {
        CacheResult[] found = new CacheResult[1];
        cache.lookup(key(request), ImmediateEventExecutor.INSTANCE, (result, answer) -> found[0] = result);
        if (found[0] != expected) {
            throw new IllegalStateException("expected " + expected + ", the lookup found " + found[0]);
        }
    }

    @TearDown
    public void tearDown() {
        cache.close();
    }

    private static ChatRequest request(String question) {
        return new ChatRequest("bench", List.of(ChatMessage.user(question)), null, null);
    }

    private CacheKey key(ChatRequest request) {
        return cache.key("tenant", "bench", "", request).orElseThrow();
    }

    @Benchmark
    public CacheKey key() {
        return key(stored);
    }

    @Benchmark
    public void hit(Blackhole bh) {
        cache.lookup(key(stored), ImmediateEventExecutor.INSTANCE, (result, answer) -> bh.consume(answer));
    }

    @Benchmark
    public void miss(Blackhole bh) {
        cache.lookup(key(unknown), ImmediateEventExecutor.INSTANCE, (result, answer) -> bh.consume(result));
    }
}
