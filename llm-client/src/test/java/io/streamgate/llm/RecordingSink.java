package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TokenSink} for tests: records what is published, from any thread, and lets the test wait for the
 * terminal event. It can also play a client that goes away, by refusing every publish after the first few.
 */
public final class RecordingSink implements TokenSink {

    /** Only a guard against a hung test; every wait normally ends by an event long before this. */
    public static final long GUARD_SECONDS = 20;

    private final List<UpstreamEvent> events = new ArrayList<>();
    private final CountDownLatch terminal = new CountDownLatch(1);
    private final Semaphore recorded = new Semaphore(0);
    private final AtomicInteger publishCalls = new AtomicInteger();
    private final CountDownLatch active = new CountDownLatch(1);
    private final int accepted;

    public RecordingSink() {
        this(Integer.MAX_VALUE);
    }

    private RecordingSink(int accepted) {
        this.accepted = accepted;
    }

    /** A sink that accepts {@code accepted} events and then refuses, as a ring closed by a disconnect does. */
    public static RecordingSink refusingAfter(int accepted) {
        return new RecordingSink(accepted);
    }

    @Override
    public boolean publish(UpstreamEvent event) {
        if (publishCalls.incrementAndGet() > accepted) {
            return false;
        }
        synchronized (events) {
            events.add(event);
        }
        recorded.release();
        if (event.isTerminal()) {
            terminal.countDown();
        }
        return true;
    }

    @Override
    public void activity() {
        active.countDown();
    }

    /** Whether the producer reported {@link #activity()} within the guard time. */
    public boolean awaitActivity() throws InterruptedException {
        return active.await(GUARD_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits for the first terminal event and returns it. */
    public UpstreamEvent awaitTerminal() {
        try {
            if (!terminal.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
                fail("no terminal event; got " + events());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
        return events().stream().filter(UpstreamEvent::isTerminal).findFirst().orElseThrow();
    }

    /** Waits until {@code count} events have been recorded; use once per sink, it consumes what it waits for. */
    public void awaitEvents(int count) {
        try {
            if (!recorded.tryAcquire(count, GUARD_SECONDS, TimeUnit.SECONDS)) {
                fail("expected " + count + " events; got " + events());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
    }

    /** Waits for the terminal event and asserts it is a {@link UpstreamEvent.Failed}; returns its error. */
    public UpstreamError awaitFailure() {
        return assertInstanceOf(UpstreamEvent.Failed.class, awaitTerminal(), () -> "events: " + events()).error();
    }

    public List<UpstreamEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public int publishCalls() {
        return publishCalls.get();
    }

    public String text() {
        StringBuilder text = new StringBuilder();
        for (UpstreamEvent event : events()) {
            if (event instanceof UpstreamEvent.TextDelta delta) {
                text.append(delta.text());
            }
        }
        return text.toString();
    }

    public List<UpstreamEvent.ToolCall> toolCalls() {
        return events().stream()
                .filter(UpstreamEvent.ToolCall.class::isInstance)
                .map(UpstreamEvent.ToolCall.class::cast)
                .toList();
    }

    /**
     * Asserts the contract's shape: exactly one terminal event, and it is the last. Call it only once the
     * producer can publish no more (its call has finished), or it proves nothing about what comes after.
     */
    public void assertSingleTerminalLast() {
        List<UpstreamEvent> all = events();
        long terminals = all.stream().filter(UpstreamEvent::isTerminal).count();
        assertEquals(1, terminals, () -> "terminal events in " + all);
        assertTrue(all.getLast().isTerminal(), () -> "terminal is not last: " + all);
    }
}
