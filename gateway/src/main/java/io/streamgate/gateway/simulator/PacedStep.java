package io.streamgate.gateway.simulator;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One answer's next piece of work on its channel's event loop, run now, later or on the loop's next turn, and
 * never once the answer was cancelled (the client went away). Event-loop confined.
 */
final class PacedStep {

    private final EventExecutor loop;
    private final Runnable work;
    private ScheduledFuture<?> pending;
    private boolean cancelled;

    PacedStep(EventExecutor loop, Runnable work) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.work = Objects.requireNonNull(work, "work");
    }

    /** Runs the work after {@code nanos}, or now when there is no delay. */
    void runAfter(long nanos) {
        if (nanos == 0) {
            run();
        } else {
            pending = loop.schedule(this::run, nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs the work on the loop's next turn, so that other connections get theirs first. */
    void runNextTurn() {
        loop.execute(this::run);
    }

    boolean cancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void run() {
        pending = null;
        if (!cancelled) {
            work.run();
        }
    }
}
