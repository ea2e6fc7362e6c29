package io.streamgate.llm.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong();
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), now::get);

    @Test
    void opensAfterConsecutiveFailuresAndLetsOneTrialThroughLater() {
        breaker.onFailure();
        breaker.onFailure();
        assertTrue(breaker.tryAcquire());
        breaker.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertFalse(breaker.tryAcquire());
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertTrue(breaker.tryAcquire(), "one trial after the open period");
        assertFalse(breaker.tryAcquire(), "only one");
        breaker.onSuccess();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void failedTrialReopens() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertTrue(breaker.tryAcquire());
        breaker.onFailure();
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertFalse(breaker.tryAcquire());
    }

    @Test
    void successResetsTheCount() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onFailure();
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    }

    @Test
    void viewShowsWhetherACallWouldBeLetThroughWithoutChangingTheBreaker() {
        assertEquals(new CircuitBreaker.View(CircuitBreaker.State.CLOSED, 0, 0), breaker.view());
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        CircuitBreaker.View open = breaker.view();
        assertEquals(CircuitBreaker.State.OPEN, open.state());
        assertEquals(3, open.consecutiveFailures());
        assertEquals(Duration.ofSeconds(6).toNanos(), open.refusingForNanos());
        assertFalse(open.admitsCalls());

        now.addAndGet(Duration.ofSeconds(6).toNanos());
        CircuitBreaker.View due = breaker.view();
        assertEquals(CircuitBreaker.State.HALF_OPEN, due.state(), "the next call would be the trial");
        assertTrue(due.admitsCalls());
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "viewing does not move the breaker");
        assertTrue(breaker.tryAcquire(), "nor does it take the trial");

        CircuitBreaker.View trialOut = breaker.view();
        assertEquals(CircuitBreaker.State.HALF_OPEN, trialOut.state());
        assertFalse(trialOut.admitsCalls(), "the trial is out: other calls are refused");
    }
}
