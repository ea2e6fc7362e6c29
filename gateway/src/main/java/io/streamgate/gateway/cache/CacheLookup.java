package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;

/**
 * One lookup of one request: the exact store first, then (with a semantic cache) the nearest question in the same
 * scope. Whatever thread starts it, it goes on and decides on {@code loop}, and the decision runs there once, unless
 * the lookup was cancelled. A store that cannot answer (Redis down) makes it a {@link CacheResult#SKIPPED}.
 */
public final class CacheLookup {

    /** What the lookup found: a hit's answer, or {@code null} on a miss or skip. Runs on the loop. */
    @FunctionalInterface
    public interface Decision {
        void decided(CacheResult result, CachedAnswer answer);
    }

    private final AnswerCache cache;
    private final CacheKey key;
    private final EventExecutor loop;
    private final Decision then;
    private long startNanos;
    private volatile boolean cancelled;
    private boolean decided;

    CacheLookup(AnswerCache cache, CacheKey key, EventExecutor loop, Decision then) {
        this.cache = requireNonNull(cache, "cache");
        this.key = requireNonNull(key, "key");
        this.loop = requireNonNull(loop, "loop");
        this.then = requireNonNull(then, "then");
    }

    /** Begins in a task of the loop's, also when called on it, so the decision never runs inside the caller. */
    void start() {
        startNanos = cache.clock().getAsLong();
        loop.execute(this::begin);
    }

    /** No decision runs after this; safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    private void begin() {
        CompletableFuture<CachedAnswer> exact = cache.store().get(key.exact());
        if (exact.isDone() && !exact.isCompletedExceptionally()) {
            exactDone(exact.join(), null);
        } else {
            exact.whenComplete((answer, failure) -> loop.execute(() -> exactDone(answer, failure)));
        }
    }

    private void exactDone(CachedAnswer answer, Throwable failure) {
        assert loop.inEventLoop();
        if (answer != null) {
            decide(CacheResult.EXACT_HIT, answer);
        } else {
            decide(failure != null ? CacheResult.SKIPPED : CacheResult.MISS, null);
        }
    }

    private void decide(CacheResult result, CachedAnswer answer) {
        if (decided) {
            return;
        }
        decided = true;
        cache.metrics().lookedUp(result, cache.clock().getAsLong() - startNanos);
        if (!cancelled) {
            then.decided(result, answer);
        }
    }
}
