package io.streamgate.gateway.resume;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.streamgate.gateway.stream.JournalMirror;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One stream's copy on Redis: one {@code XADD} per batch, whose fields are the batch's events' sequences and whose
 * values are their bytes ({@link MirrorEntry}). Sent without waiting, with the other XADDs of the loop's turn
 * ({@link MirrorWrites}), pipelined on the shared connection; only a failure comes back to this stream's loop.
 *
 * <p>Cadence: a batch is what the stream flushed during one {@code flush} period (the stream's first flush goes at
 * once, so that its copy exists as soon as it has an event). One timer task on the stream's loop, armed by the first
 * flush of a period, sends it; so does the stream's end, at once and before its end mark, and a batch that reaches
 * {@link #MAX_BATCH_BYTES}. A zero period sends each flush at once. Remote followers thus see events up to one
 * period later than the stream's own client.
 *
 * <p>A failed {@code XADD} (Redis down, or slower than its timeout) leaves a gap in the copy: from then on this stream
 * is not mirrored, and a {@code gap} entry is added as soon as Redis takes it ({@link RedisJournals}), so that no
 * reader serves what follows. Event-loop confined, except {@link #state}, which the lease renewer reads.
 */
final class StreamMirror implements JournalMirror {

    /** A batch this large is sent at once, whatever the cadence: bounds what one entry and its command hold. */
    static final int MAX_BATCH_BYTES = 32 * 1024;

    enum State {
        /** Each flush is copied. */
        LIVE,
        /** An {@code XADD} failed: the copy has a gap, and is no longer written. */
        BROKEN,
        /** Its lease was taken by a reaper (this node looked dead): the copy was ended for it. */
        LOST,
        /** The stream ended. */
        ENDED
    }

    private final RedisJournals hub;
    private final StreamLease lease;
    private final EventLoop loop;
    private final MirrorWrites writes;
    private final long flushNanos;
    private final String key;
    private final byte[] encodedKey; // encoded once: every XADD of the stream names it
    private final BiConsumer<Object, Throwable> onWritten;
    private final Runnable broke = this::broke;
    private final Runnable due = this::due;
    // The batch not yet sent: events added since the last XADD, flushed to the client or about to be.
    private long[] sequences = new long[8];
    private byte[][] events = new byte[8][];
    private int added;
    private int flushedCount;
    private int flushedBytes;
    private int addedBytes;
    private boolean timerArmed;
    private boolean written;
    private volatile State state = State.LIVE;

    StreamMirror(RedisJournals hub, StreamLease lease, EventLoop loop, MirrorWrites writes, Duration flush) {
        this.hub = requireNonNull(hub, "hub");
        this.lease = requireNonNull(lease, "lease");
        this.loop = requireNonNull(loop, "loop");
        this.writes = requireNonNull(writes, "writes");
        this.flushNanos = requireNonNull(flush, "flush").toNanos();
        this.key = lease.streamKey();
        this.encodedKey = key.getBytes(StandardCharsets.UTF_8);
        this.onWritten = (ok, failure) -> {
            if (failure != null) {
                loop.execute(broke);
            }
        };
    }

    /** A command for this stream's copy: if it fails, the copy may miss something, so it is treated as a gap. */
    void watch(java.util.concurrent.CompletableFuture<?> command) {
        command.whenComplete(onWritten);
    }

    StreamLease lease() {
        return lease;
    }

    State state() {
        return state;
    }

    @Override
    public void event(long sequence, byte[] sse) {
        assert loop.inEventLoop();
        if (state != State.LIVE) {
            return;
        }
        if (added == sequences.length) {
            sequences = Arrays.copyOf(sequences, added * 2);
            events = Arrays.copyOf(events, added * 2);
        }
        sequences[added] = sequence;
        events[added] = sse;
        added++;
        addedBytes += sse.length;
    }

    @Override
    public void flushed() {
        assert loop.inEventLoop();
        if (state != State.LIVE || added == flushedCount) {
            return;
        }
        flushedCount = added;
        flushedBytes = addedBytes;
        if (flushNanos == 0 || !written || flushedBytes >= MAX_BATCH_BYTES) {
            send();
        } else if (!timerArmed) {
            timerArmed = true;
            try {
                loop.schedule(due, flushNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                timerArmed = false;
                send(); // the loop takes no more tasks: send now rather than never
            }
        }
    }

    /** The cadence's timer: the batch flushed since it was armed goes. */
    private void due() {
        assert loop.inEventLoop();
        timerArmed = false;
        if (state == State.LIVE) {
            send();
        }
    }

    @Override
    public void ended() {
        assert loop.inEventLoop();
        flushedCount = added; // whatever the journal handed over before its end is part of the copy
        flushedBytes = addedBytes;
        if (state == State.LIVE) {
            send(); // at once, not at the next tick: the end follows the last events
        }
        State was = state;
        state = State.ENDED;
        clear();
        writes.after(() -> hub.ended(this, was)); // the end lands after the last events
    }

    /** Hands the flushed events to Redis as one entry, keeping any added since the last flush for the next. */
    private void send() {
        if (flushedCount == 0) {
            return;
        }
        watch(writes.xadd(encodedKey, hub.maxEntries(), sequences, events, flushedCount));
        int left = added - flushedCount;
        if (left > 0) {
            System.arraycopy(sequences, flushedCount, sequences, 0, left);
            System.arraycopy(events, flushedCount, events, 0, left);
        }
        Arrays.fill(events, left, added, null);
        added = left;
        addedBytes -= flushedBytes;
        flushedCount = 0;
        flushedBytes = 0;
        if (!written) {
            // The key exists from its first XADD on; until the stream ends, the renewer keeps pushing this back.
            written = true;
            writes.after(() -> watch(hub.redis().call(c -> c.pexpire(key, hub.liveKeyTtlMillis()))));
        }
    }

    private void clear() {
        Arrays.fill(events, 0, added, null);
        added = 0;
        addedBytes = 0;
        flushedCount = 0;
        flushedBytes = 0;
    }

    /** The renewer found the lease gone: another node reaped this stream and ended its copy. */
    void lost() {
        assert loop.inEventLoop();
        if (state == State.LIVE || state == State.BROKEN) {
            state = State.LOST;
            clear();
            hub.forget(this);
        }
    }

    private void broke() {
        assert loop.inEventLoop();
        if (state == State.LIVE) {
            state = State.BROKEN;
            clear();
            hub.broken(this);
        }
    }

    EventLoop loop() {
        return loop;
    }
}
