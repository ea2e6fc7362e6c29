package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The bounded single-producer, single-consumer queue between one upstream thread and one channel's event loop.
 *
 * <p>Why not a {@code java.util.concurrent} queue: the consumer must be woken <em>once per batch</em>, not once
 * per token, and the producer must <em>park</em> when the ring is full so that it stops reading the upstream
 * socket and TCP pushes back on the provider. Both need the ring's own state, so the ring owns them:
 *
 * <ul>
 *   <li>{@link #publish} stores the event, then runs the wake-up task only if the consumer is not already
 *       scheduled ({@code empty → non-empty} edge). The consumer calls {@link #beginDrain()} before polling,
 *       which re-arms the wake-up; anything published after that is either seen by the drain or wakes it again.
 *   <li>When full, the producer parks until {@link #poll()} frees a slot or {@link #close()} is called.
 *   <li>A producer on the consumer's own event loop (the Netty transport) brackets each read batch with
 *       {@link #batchStarted()}, which marks the consumer as already scheduled so no publish wakes it, and
 *       {@link #batchEnded()}, which runs the consumer's {@code batchEnded} callback: it drains right there, on the
 *       same thread, with no task and no wake-up. The ring names that loop as its {@link #home()}, so that such a
 *       producer reads there whichever thread opened its call.
 * </ul>
 *
 * <p>Head, tail and the two flags are volatile, so the publish/drain handshake is a Dekker-style pair of
 * store-then-load sequences and no wake-up is lost. Memory is bounded by {@code capacity} events.
 *
 * <p>Each event's arrival time is kept beside it ({@link #lastPolledArrivalNanos()}), so the consumer can tell
 * how long an event waited on its side: the gateway's own share of the latency. The producer also stamps every read
 * from the provider ({@link #activity()}), events or not, so the consumer can tell a silent provider from one that is
 * busy writing something that is not an event yet (a long tool call).
 */
public final class TokenRing implements TokenSink {

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle WAKE_PENDING;
    private static final VarHandle PRODUCED_BYTES;
    private static final VarHandle CONSUMED_BYTES;
    private static final VarHandle BELOW_MARK_WAITER;
    private static final VarHandle LAST_ACTIVITY;
    private static final long NEVER = Long.MIN_VALUE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(TokenRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(TokenRing.class, "tail", long.class);
            WAKE_PENDING = lookup.findVarHandle(TokenRing.class, "wakePending", boolean.class);
            PRODUCED_BYTES = lookup.findVarHandle(TokenRing.class, "producedBytes", long.class);
            CONSUMED_BYTES = lookup.findVarHandle(TokenRing.class, "consumedBytes", long.class);
            BELOW_MARK_WAITER = lookup.findVarHandle(TokenRing.class, "belowMarkWaiter", Runnable.class);
            LAST_ACTIVITY = lookup.findVarHandle(TokenRing.class, "lastActivity", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UpstreamEvent[] slots;
    private final long[] arrivals; // clock reading at publish, per slot; published by the volatile tail write
    private final LongSupplier clock;
    private final int mask;
    private final Runnable wakeConsumer;
    private final Runnable batchEndedCallback;
    private final Executor home;

    private volatile long head; // next slot to read; written by the consumer only
    private volatile long tail; // next slot to write; written by the producer only
    private volatile boolean wakePending; // true while a drain is scheduled or will be triggered otherwise
    private volatile boolean closed;
    private volatile Thread parkedProducer;
    private volatile Runnable belowMarkWaiter; // a non-parking producer's resume callback
    private long producedBytes; // producer-written, read by the memory gauge
    private long consumedBytes; // consumer-written, read by the memory gauge
    private long lastPolledArrival; // consumer-only
    private long lastActivity = NEVER; // clock reading at the producer's last activity(); opaque, read by the consumer

    /**
     * @param capacity the number of events the ring holds; rounded up to a power of two
     * @param wakeConsumer schedules one drain on the consumer's thread; called from the producer's thread,
     *     at most once per {@link #beginDrain()}, and must not block
     */
    public TokenRing(int capacity, Runnable wakeConsumer) {
        this(capacity, wakeConsumer, System::nanoTime);
    }

    /** @param clock stamps each event's arrival, in nanoseconds ({@link System#nanoTime()} outside tests) */
    public TokenRing(int capacity, Runnable wakeConsumer, LongSupplier clock) {
        this(capacity, wakeConsumer, null, clock);
    }

    /**
     * @param batchEnded runs on the producer's thread when it ends a batch ({@link #batchEnded()}); wake-ups were
     *     off during the batch, so it must drain (inline when that thread is the consumer's, else by scheduling a
     *     drain as {@code wakeConsumer} does, or by leaving it to a consumer that has paused itself). {@code null}
     *     ends a batch with an ordinary wake-up.
     */
    public TokenRing(int capacity, Runnable wakeConsumer, Runnable batchEnded, LongSupplier clock) {
        this(capacity, null, wakeConsumer, batchEnded, clock);
    }

    /**
     * @param home the event loop the consumer drains on ({@link #home()}), so that a producer reading on event loops
     *     reads this ring's calls there; {@code null} for none
     */
    public TokenRing(int capacity, Executor home, Runnable wakeConsumer, Runnable batchEnded, LongSupplier clock) {
        if (capacity < 2 || capacity > (1 << 20)) {
            throw new IllegalArgumentException("capacity must be in [2, 2^20]: " + capacity);
        }
        int size = Integer.highestOneBit(capacity - 1) << 1;
        this.slots = new UpstreamEvent[size];
        this.arrivals = new long[size];
        this.clock = requireNonNull(clock, "clock");
        this.mask = size - 1;
        this.wakeConsumer = requireNonNull(wakeConsumer, "wakeConsumer");
        this.batchEndedCallback = batchEnded != null ? batchEnded : this::wakeAfterBatch;
        this.home = home;
    }

    /** The consumer's event loop, as given; {@code null} if none was. */
    @Override
    public Executor home() {
        return home;
    }

    // ---- producer side ----

    /**
     * {@inheritDoc}
     *
     * <p>Also returns {@code false} when the producing thread is interrupted while the ring is full, keeping its
     * interrupt status: {@code LockSupport.park} returns at once for an interrupted thread, so waiting on would
     * spin a core until the consumer caught up, and an interrupt (executor shutdown) means "stop" anyway.
     */
    @Override
    public boolean publish(UpstreamEvent event) {
        requireNonNull(event, "event");
        long t = tail;
        while (t - head >= slots.length) {
            if (closed || Thread.currentThread().isInterrupted()) {
                return false;
            }
            parkedProducer = Thread.currentThread();
            if (t - head >= slots.length && !closed) {
                LockSupport.park(this);
            }
            parkedProducer = null;
        }
        if (closed) {
            return false;
        }
        arrivals[(int) t & mask] = clock.getAsLong();
        slots[(int) t & mask] = event;
        PRODUCED_BYTES.setOpaque(this, producedBytes + event.retainedBytes());
        tail = t + 1;
        if (!wakePending && WAKE_PENDING.compareAndSet(this, false, true)) {
            wakeConsumer.run();
        }
        return true;
    }

    /** Stamps the provider's latest sign of life with the ring's clock; see {@link #nanosSinceActivity()}. */
    @Override
    public void activity() {
        LAST_ACTIVITY.setOpaque(this, clock.getAsLong());
    }

    /**
     * Half full or more: a producer on an event loop stops reading here, with room left for one event's fan-out.
     * False once closed, so that such a producer goes on to {@link #publish}, which refuses, and stops for good.
     */
    @Override
    public boolean aboveMark() {
        return !closed && tail - head >= slots.length / 2;
    }

    @Override
    public boolean isFull() {
        return tail - head >= slots.length;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The consumer's {@link #poll()} runs the callback on its thread once the ring is down to a quarter, not just
     * below half: resuming at the mark itself would let the producer in for one event at a time. {@link #close()}
     * runs it too. Store-then-check, like {@link #publish}'s wake-up, so a drain that races this call is not missed.
     */
    @Override
    public void whenBelowMark(Runnable resume) {
        requireNonNull(resume, "resume");
        belowMarkWaiter = resume;
        if (tail - head <= slots.length / 4 || closed) {
            runBelowMarkWaiter();
        }
    }

    private void runBelowMarkWaiter() {
        Runnable waiter = belowMarkWaiter;
        if (waiter != null && BELOW_MARK_WAITER.compareAndSet(this, waiter, null)) {
            waiter.run();
        }
    }

    /** Turns wake-ups off until {@link #batchEnded()}: the consumer counts as scheduled meanwhile. */
    @Override
    public void batchStarted() {
        wakePending = true;
    }

    @Override
    public void batchEnded() {
        batchEndedCallback.run();
    }

    /** Without a {@code batchEnded} callback: wake-ups back on, and one now if the batch left anything. */
    private void wakeAfterBatch() {
        wakePending = false;
        if (tail != head && WAKE_PENDING.compareAndSet(this, false, true)) {
            wakeConsumer.run();
        }
    }

    // ---- consumer side ----

    /**
     * Re-arms the wake-up. The consumer calls this at the start of each drain, before its first
     * {@link #poll()}, so that anything published from now on is either polled by this drain or wakes the next.
     */
    public void beginDrain() {
        wakePending = false;
    }

    /**
     * Marks the consumer as already scheduled, so producers don't wake it: used while the consumer has paused
     * itself (the channel is not writable) and will drain again on its own.
     */
    public void suppressWakeups() {
        wakePending = true;
    }

    /** Takes the next event, or returns {@code null} if the ring is empty. Consumer thread only. */
    public UpstreamEvent poll() {
        long h = head;
        if (h == tail) {
            return null;
        }
        int index = (int) h & mask;
        UpstreamEvent event = slots[index];
        slots[index] = null;
        lastPolledArrival = arrivals[index];
        CONSUMED_BYTES.setRelease(this, consumedBytes + event.retainedBytes());
        head = h + 1;
        Thread producer = parkedProducer;
        if (producer != null) {
            LockSupport.unpark(producer);
        }
        if (belowMarkWaiter != null && tail - (h + 1) <= slots.length / 4) {
            runBelowMarkWaiter();
        }
        return event;
    }

    /** Whether an event is waiting. Consumer thread only. */
    public boolean isEmpty() {
        return head == tail;
    }

    /**
     * Stops the ring: the producer's current and future {@link #publish} calls return {@code false}.
     * Safe from any thread. Events still queued are dropped by the consumer's next {@link #clear()}.
     */
    public void close() {
        closed = true;
        Thread producer = parkedProducer;
        if (producer != null) {
            LockSupport.unpark(producer);
        }
        runBelowMarkWaiter();
    }

    /** Drops queued events. Consumer thread only; call after {@link #close()}. */
    public void clear() {
        while (poll() != null) {
            // discard
        }
    }

    /** The clock reading when the event last returned by {@link #poll()} was published. Consumer thread only. */
    public long lastPolledArrivalNanos() {
        return lastPolledArrival;
    }

    /**
     * How long ago, by the ring's clock, the producer last reported {@link #activity()}: bytes from the provider that
     * need not have made an event. {@link Long#MAX_VALUE} if it never has. Any thread.
     */
    public long nanosSinceActivity() {
        long last = (long) LAST_ACTIVITY.getOpaque(this);
        return last == NEVER ? Long.MAX_VALUE : clock.getAsLong() - last;
    }

    public boolean isClosed() {
        return closed;
    }

    public int capacity() {
        return slots.length;
    }

    /** Approximate heap bytes held by the ring: its slot and arrival arrays plus the events queued in it. Any thread. */
    public long retainedBytes() {
        // Consumed first (acquire, paired with poll's release): whatever it counts was produced earlier, so the
        // later read of produced includes it. The reverse order could count an event as consumed but not produced.
        long consumed = (long) CONSUMED_BYTES.getAcquire(this);
        long queued = (long) PRODUCED_BYTES.getOpaque(this) - consumed;
        // Two array headers, a 4-byte reference and an 8-byte arrival stamp per slot.
        return 32L + 12L * slots.length + Math.max(0, queued);
    }
}
