package io.streamgate.llm.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * One upstream's circuit breaker: after {@code failureThreshold} consecutive failures it opens and refuses calls
 * for {@code openFor}; then it lets one trial call through (half-open), which closes it on success or re-opens it
 * on failure.
 *
 * <p>Why: a dead provider otherwise costs every stream a connect timeout and a retry budget before the fallback is
 * tried. Lock-free; safe from any thread.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    private record Snapshot(State state, int failures, long openedAtNanos) {}

    private final int failureThreshold;
    private final long openForNanos;
    private final LongSupplier clock;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(new Snapshot(State.CLOSED, 0, 0));

    public CircuitBreaker(int failureThreshold, Duration openFor) {
        this(failureThreshold, openFor, System::nanoTime);
    }

    CircuitBreaker(int failureThreshold, Duration openFor, LongSupplier clock) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be >= 1");
        }
        this.failureThreshold = failureThreshold;
        this.openForNanos = requireNonNull(openFor, "openFor").toNanos();
        this.clock = requireNonNull(clock, "clock");
    }

    /** Whether a call may go to this upstream now. In half-open state only the first caller gets through. */
    public boolean tryAcquire() {
        while (true) {
            Snapshot s = snapshot.get();
            switch (s.state) {
                case CLOSED -> {
                    return true;
                }
                case OPEN, HALF_OPEN -> {
                    // In half-open state a trial is out; another is let through only if that one was abandoned
                    // (cancelled by its client) for as long as the breaker stays open.
                    long now = clock.getAsLong();
                    if (now - s.openedAtNanos < openForNanos) {
                        return false;
                    }
                    if (snapshot.compareAndSet(s, new Snapshot(State.HALF_OPEN, s.failures, now))) {
                        return true;
                    }
                }
            }
        }
    }

    public void onSuccess() {
        snapshot.set(new Snapshot(State.CLOSED, 0, 0));
    }

    public void onFailure() {
        while (true) {
            Snapshot s = snapshot.get();
            int failures = s.failures + 1;
            Snapshot next = s.state == State.HALF_OPEN || failures >= failureThreshold
                    ? new Snapshot(State.OPEN, failures, clock.getAsLong())
                    : new Snapshot(State.CLOSED, failures, 0);
            if (snapshot.compareAndSet(s, next)) {
                return;
            }
        }
    }

    public State state() {
        return snapshot.get().state;
    }

    /**
     * What the breaker would do with a call now, for health reports; changes nothing. An open breaker whose open
     * period is over shows as {@link State#HALF_OPEN}: the next call is let through as the trial.
     *
     * @param state closed, open (calls refused), or half-open (a trial is out, or the next call is one)
     * @param consecutiveFailures failures since the last success
     * @param refusingForNanos how much longer calls are refused; 0 when a call would be let through
     */
    public record View(State state, int consecutiveFailures, long refusingForNanos) {
        /** Whether a call would be let through now. */
        public boolean admitsCalls() {
            return refusingForNanos == 0;
        }
    }

    public View view() {
        Snapshot s = snapshot.get();
        if (s.state == State.CLOSED) {
            return new View(State.CLOSED, s.failures, 0);
        }
        long refusing = Math.max(0, openForNanos - (clock.getAsLong() - s.openedAtNanos));
        return new View(refusing == 0 ? State.HALF_OPEN : s.state, s.failures, refusing);
    }
}
