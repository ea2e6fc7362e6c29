package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamgate.llm.UpstreamEvent.TextDelta;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class TokenRingTest {

    private static final long GUARD_NANOS = TimeUnit.SECONDS.toNanos(RecordingSink.GUARD_SECONDS);

    private static TextDelta delta(int i) {
        return new TextDelta(Integer.toString(i));
    }

    @Test
    void aNonParkingProducerStopsAtHalfAndResumesAtAQuarter() {
        TokenRing ring = new TokenRing(8, () -> {});
        List<String> resumed = new java.util.ArrayList<>();
        ring.whenBelowMark(() -> resumed.add("at once"));
        assertEquals(List.of("at once"), resumed, "an empty ring lets the producer on at once");

        for (int i = 0; i < 4; i++) {
            assertFalse(ring.aboveMark());
            ring.publish(delta(i));
        }
        assertTrue(ring.aboveMark());
        assertFalse(ring.isFull());
        ring.whenBelowMark(() -> resumed.add("drained"));
        ring.poll();
        assertFalse(ring.aboveMark());
        assertEquals(List.of("at once"), resumed, "resuming just under the mark would let one event in at a time");
        ring.poll();

        assertEquals(List.of("at once", "drained"), resumed);
        ring.poll();
        assertEquals(2, resumed.size(), "a callback runs once");
    }

    @Test
    void closingTheRingResumesANonParkingProducerSoItSeesTheRefusal() {
        TokenRing ring = new TokenRing(2, () -> {});
        ring.publish(delta(0));
        ring.publish(delta(1));
        AtomicInteger resumed = new AtomicInteger();
        ring.whenBelowMark(resumed::incrementAndGet);
        assertEquals(0, resumed.get());

        ring.close();

        assertEquals(1, resumed.get());
        assertFalse(ring.aboveMark(), "the producer goes on, or it would wait for a drain that never comes");
        assertFalse(ring.publish(delta(2)), "and publishing is refused, not parked");
    }

    @Test
    void singleProducerDeliversEveryEventInOrderExactlyOnceAndWakesAtMostOncePerDrain() throws Exception {
        int count = 50_000;
        Semaphore scheduled = new Semaphore(0);
        AtomicBoolean armed = new AtomicBoolean(true); // the ring starts armed: the first publish wakes
        AtomicInteger wakes = new AtomicInteger();
        AtomicInteger extraWakes = new AtomicInteger();
        TokenRing ring = new TokenRing(4, () -> {
            wakes.incrementAndGet();
            if (!armed.getAndSet(false)) {
                extraWakes.incrementAndGet(); // a second wake-up without a beginDrain in between
            }
            scheduled.release();
        });
        CompletableFuture<Boolean> produced = CompletableFuture.supplyAsync(() -> {
            for (int i = 0; i < count; i++) {
                if (!ring.publish(delta(i))) {
                    return false;
                }
            }
            return ring.publish(new UpstreamEvent.Completed("stop", Usage.NONE));
        }, command -> Thread.ofPlatform().name("ring-producer").start(command));

        int next = 0;
        int drains = 0;
        boolean completed = false;
        while (!completed) {
            assertTrue(scheduled.tryAcquire(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS), "lost wake-up after " + next);
            armed.set(true);
            ring.beginDrain();
            drains++;
            for (UpstreamEvent event = ring.poll(); event != null; event = ring.poll()) {
                assertFalse(completed, "event after the terminal one: " + event);
                if (event instanceof TextDelta(String text)) {
                    assertEquals(Integer.toString(next), text);
                    next++;
                } else {
                    completed = event.isTerminal();
                }
            }
        }

        assertTrue(produced.get(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
        assertEquals(count, next);
        assertTrue(ring.isEmpty());
        assertEquals(0, extraWakes.get());
        assertEquals(drains + scheduled.availablePermits(), wakes.get());
    }

    @Test
    void wakesOnEmptyToNonEmptyEdgeOnlyAndNotWhileSuppressed() {
        AtomicInteger wakes = new AtomicInteger();
        TokenRing ring = new TokenRing(8, wakes::incrementAndGet);

        ring.publish(delta(0));
        ring.publish(delta(1));
        ring.publish(delta(2));
        assertEquals(1, wakes.get());

        ring.beginDrain();
        ring.publish(delta(3));
        ring.publish(delta(4));
        assertEquals(2, wakes.get());

        ring.beginDrain();
        ring.suppressWakeups();
        ring.publish(delta(5));
        assertEquals(2, wakes.get());

        for (int i = 0; i <= 5; i++) {
            assertEquals(delta(i), ring.poll());
        }
        assertNull(ring.poll());
    }

    @Test
    void producerParksOnFullRingAndResumesWhenTheConsumerPolls() throws Exception {
        TokenRing ring = filledRing(4);
        CompletableFuture<Boolean> fifth = new CompletableFuture<>();
        Thread producer = Thread.ofPlatform().start(() -> fifth.complete(ring.publish(delta(4))));

        awaitParkedOn(producer, ring);
        assertFalse(fifth.isDone());
        assertEquals(delta(0), ring.poll());

        assertTrue(fifth.get(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
        for (int i = 1; i <= 4; i++) {
            assertEquals(delta(i), ring.poll());
        }
        assertTrue(ring.isEmpty());
    }

    @Test
    void closeUnparksBlockedProducerAndPublishReturnsFalse() throws Exception {
        TokenRing ring = filledRing(4);
        CompletableFuture<Boolean> blocked = new CompletableFuture<>();
        Thread producer = Thread.ofPlatform().start(() -> blocked.complete(ring.publish(delta(4))));
        awaitParkedOn(producer, ring);

        ring.close();

        assertFalse(blocked.get(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
        assertTrue(ring.isClosed());
        assertFalse(ring.publish(delta(5)), "publish after close");
        ring.clear();
        assertTrue(ring.isEmpty());
    }

    @Test
    void interruptedProducerOnFullRingGivesUpInsteadOfSpinning() throws Exception {
        TokenRing ring = filledRing(4);
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt(); // as executor shutdownNow() does to a dispatcher thread
            boolean published = ring.publish(delta(4));
            // Read the flag before completing: the test thread may check it as soon as the future completes.
            stillInterrupted.set(Thread.currentThread().isInterrupted());
            result.complete(published);
        });

        assertFalse(result.get(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
        assertTrue(stillInterrupted.get(), "the interrupt must stay visible to the caller");
        assertEquals(delta(0), ring.poll(), "queued events are kept");
    }

    @Test
    void retainedBytesReflectsQueuedEvents() {
        TokenRing ring = new TokenRing(4, () -> {});
        long empty = 32L + 12L * ring.capacity(); // the slot array and the arrival stamps
        assertEquals(empty, ring.retainedBytes());

        TextDelta hello = new TextDelta("hello");
        UpstreamEvent.ToolCall call = new UpstreamEvent.ToolCall("call_1", "lookup", "{\"q\":1}");
        ring.publish(hello);
        ring.publish(call);
        assertEquals(empty + hello.retainedBytes() + call.retainedBytes(), ring.retainedBytes());

        assertSame(hello, ring.poll());
        assertEquals(empty + call.retainedBytes(), ring.retainedBytes());

        ring.close();
        ring.clear();
        assertEquals(empty, ring.retainedBytes());
    }

    @Test
    void capacityIsRoundedUpToAPowerOfTwo() {
        assertEquals(4, new TokenRing(3, () -> {}).capacity());
        assertEquals(8, new TokenRing(5, () -> {}).capacity());
        assertEquals(1 << 20, new TokenRing(1 << 20, () -> {}).capacity());
    }

    private static TokenRing filledRing(int capacity) {
        TokenRing ring = new TokenRing(capacity, () -> {});
        for (int i = 0; i < capacity; i++) {
            assertTrue(ring.publish(delta(i)));
        }
        return ring;
    }

    /** Waits until {@code thread} is parked in the ring: the state a wake-up or close must get it out of. */
    private static void awaitParkedOn(Thread thread, Object blocker) {
        long deadline = System.nanoTime() + GUARD_NANOS;
        while (LockSupport.getBlocker(thread) != blocker) {
            if (System.nanoTime() > deadline) {
                fail("producer never parked; state " + thread.getState());
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void eachPolledEventCarriesItsOwnArrivalTime() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(100);
        TokenRing ring = new TokenRing(4, () -> {}, now::get);
        for (int i = 0; i < 6; i++) { // wraps around the 4 slots
            ring.publish(delta(i));
            now.addAndGet(10);
            if (i >= 2) {
                assertEquals(delta(i - 2), ring.poll());
                assertEquals(100 + 10L * (i - 2), ring.lastPolledArrivalNanos(), "event " + (i - 2));
            }
        }
        assertEquals(delta(4), ring.poll());
        assertEquals(140, ring.lastPolledArrivalNanos());
    }

    @Test
    void activityIsTimedByTheRingsClockAndReachesItThroughWrappers() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(100);
        TokenRing ring = new TokenRing(4, () -> {}, now::get);
        assertEquals(Long.MAX_VALUE, ring.nanosSinceActivity(), "never heard from");

        new GuardedSink(ring).activity();
        now.addAndGet(25);

        assertEquals(25, ring.nanosSinceActivity());
        assertTrue(ring.isEmpty(), "activity is no event");
    }
}
