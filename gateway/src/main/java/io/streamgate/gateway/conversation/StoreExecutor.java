package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The few platform threads that run store work (sqlite-jdbc's native calls would pin virtual threads' carriers,
 * which the upstream readers need), with a bounded backlog.
 *
 * <p>Two kinds of work come here. New work, which a request brings (a history read, a conversation claim, a
 * stream start), is admitted only while fewer than {@code maxQueued} tasks wait: {@link #admit} says no beyond,
 * and the router answers 503. Work of a stream already admitted (its question, its history, its answer) is never
 * refused, since refusing it would lose what was said; there are at most a few such tasks per stream, and streams
 * are bounded by the tenants' limits. So the queue holds at most {@code maxQueued} plus that.
 */
public final class StoreExecutor implements Executor, AutoCloseable {

    private final ThreadPoolExecutor pool;
    private final int maxQueued;
    private final LongAdder refused = new LongAdder();

    public StoreExecutor(int threads, int maxQueued) {
        if (threads < 1 || maxQueued < 1) {
            throw new IllegalArgumentException("threads and maxQueued must be positive");
        }
        this.maxQueued = maxQueued;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name("streamgate-store-", 0).factory());
    }

    /**
     * Whether new work may be queued now; false, and counted, when {@code maxQueued} tasks already wait. A caller
     * told yes then {@linkplain #execute executes} its work (the check and the queueing are not one step, so the
     * bound may be passed by the number of event loops, no more).
     */
    public boolean admit() {
        if (pool.getQueue().size() >= maxQueued) {
            refused.increment();
            return false;
        }
        return true;
    }

    /** Queues work; never refused (see the class comment for why that stays bounded). */
    @Override
    public void execute(Runnable task) {
        pool.execute(requireNonNull(task, "task"));
    }

    /** Tasks waiting for a thread. */
    public int queued() {
        return pool.getQueue().size();
    }

    /** New work refused since start, for the metric. */
    public long refused() {
        return refused.sum();
    }

    /** Lets queued work finish for up to {@code timeoutSeconds}, then interrupts what is left. */
    public void shutdown(long timeoutSeconds) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(timeoutSeconds, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        shutdown(5);
    }
}
