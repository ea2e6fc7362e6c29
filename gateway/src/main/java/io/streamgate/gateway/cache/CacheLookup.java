package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.streamgate.gateway.cache.semantic.Probe;
import io.streamgate.gateway.cache.semantic.SemanticIndex;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One lookup of one request: the exact store first, then (with a semantic cache) the nearest question in the same
 * scope. Whatever thread starts it, it goes on and decides on {@code loop}, and the decision runs there once, unless
 * the lookup was cancelled.
 *
 * <p>It is {@link CacheResult#SKIPPED} when the exact store cannot answer (Redis down), when the semantic index's
 * queue is full, when the question is too long to embed ({@link AnswerCache#embeds}), or when its embedding takes
 * longer than the budget; a probe still queued then is cancelled. A probe that finished has its vector reused when the
 * provider's answer is stored ({@link #vector()}).
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
    private volatile CompletableFuture<Probe> probe; // null until the semantic step
    private ScheduledFuture<?> budget;

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
        CompletableFuture<Probe> probed = probe;
        if (probed != null) {
            probed.cancel(false);
        }
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
        } else if (failure != null) {
            decide(CacheResult.SKIPPED, null);
        } else if (cache.semantic() != null && !cancelled) {
            if (cache.embeds(key.question())) {
                probeSemantic(cache.semantic());
            } else {
                decide(CacheResult.SKIPPED, null); // too long to embed within the budget, or to match safely
            }
        } else {
            decide(CacheResult.MISS, null);
        }
    }

    /** Embeds the question off the loop and searches its scope; past the budget from here, decides without it. */
    private void probeSemantic(SemanticIndex index) {
        CompletableFuture<Probe> probed = index.probe(key.owner(), key.semanticScope(), key.question());
        probe = probed;
        if (probed.isCompletedExceptionally()) { // the index's queue is full
            decide(CacheResult.SKIPPED, null);
            return;
        }
        // The budget is the embedding's and the search's: what the semantic step adds, not the loop's own queue.
        budget = loop.schedule(() -> decide(CacheResult.SKIPPED, null), cache.settings().semanticBudget().toNanos(),
                TimeUnit.NANOSECONDS);
        probed.whenComplete((found, failure) -> loop.execute(() -> probed(index, found, failure)));
    }

    private void probed(SemanticIndex index, Probe found, Throwable failure) {
        if (decided) {
            return; // past the budget, or cancelled
        }
        if (failure != null || !found.hit()) {
            decide(failure != null ? CacheResult.SKIPPED : CacheResult.MISS, null);
            return;
        }
        CompletableFuture<CachedAnswer> answer = cache.store().get(found.key());
        answer.whenComplete((a, f) -> {
            if (loop.inEventLoop()) {
                matched(index, found, a, f);
            } else {
                loop.execute(() -> matched(index, found, a, f));
            }
        });
    }

    /** The nearest question's answer, read back from the exact store; gone (expired, evicted) is a miss. */
    private void matched(SemanticIndex index, Probe found, CachedAnswer answer, Throwable failure) {
        if (answer != null) {
            decide(CacheResult.SEMANTIC_HIT, answer);
            return;
        }
        if (failure == null) {
            index.remove(key.semanticScope(), found.key());
        }
        decide(failure != null ? CacheResult.SKIPPED : CacheResult.MISS, null);
    }

    /** The question's vector if the probe computed it, for storing the answer without embedding it again. */
    float[] vector() {
        CompletableFuture<Probe> probed = probe;
        if (probed == null || !probed.isDone() || probed.isCompletedExceptionally() || probed.isCancelled()) {
            return null;
        }
        return probed.join().vector();
    }

    private void decide(CacheResult result, CachedAnswer answer) {
        if (decided) {
            return;
        }
        decided = true;
        if (budget != null) {
            budget.cancel(false);
        }
        CompletableFuture<Probe> probed = probe;
        if (result == CacheResult.SKIPPED && probed != null) {
            probed.cancel(false); // not embedded if still queued: the thread is behind; the answer's add embeds it
        }
        cache.metrics().lookedUp(result, cache.clock().getAsLong() - startNanos);
        if (!cancelled) {
            then.decided(result, answer);
        }
    }
}
