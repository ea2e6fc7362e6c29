package io.streamgate.gateway.resume;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.streamgate.gateway.stream.JournalMirror;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One stream's copy on Redis: one {@code XADD} per flush, whose fields are the flushed events' sequences and whose
 * values are their bytes ({@link MirrorEntry}). Sent without waiting, with the other XADDs of the loop's turn
 * ({@link MirrorWrites}), pipelined on the shared connection; only a failure comes back to this stream's loop.
 *
 * <p>A failed {@code XADD} (Redis down, or slower than its timeout) leaves a gap in the copy: from then on this stream
 * is not mirrored, and a {@code gap} entry is added as soon as Redis takes it ({@link RedisJournals}), so that no
 * reader serves what follows. Event-loop confined, except {@link #state}, which the lease renewer reads.
 */
final class StreamMirror implements JournalMirror {

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
    private final List<Object> pending = new ArrayList<>(8); // field, value, field, value...
    private final BiConsumer<Object, Throwable> onWritten;
    private final Runnable broke = this::broke;
    private long lastSequence = -1;
    private boolean expirySet;
    private volatile State state = State.LIVE;

    StreamMirror(RedisJournals hub, StreamLease lease, EventLoop loop, MirrorWrites writes) {
        this.hub = requireNonNull(hub, "hub");
        this.lease = requireNonNull(lease, "lease");
        this.loop = requireNonNull(loop, "loop");
        this.writes = requireNonNull(writes, "writes");
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

    /** The sequence of the last event handed to Redis, or -1. */
    long lastSequence() {
        return lastSequence;
    }

    @Override
    public void event(long sequence, byte[] sse) {
        assert loop.inEventLoop();
        if (state == State.LIVE) {
            pending.add(Long.toString(sequence));
            pending.add(sse);
            lastSequence = sequence;
        }
    }

    @Override
    public void flushed() {
        assert loop.inEventLoop();
        if (state != State.LIVE || pending.isEmpty()) {
            return;
        }
        String key = lease.streamKey();
        watch(writes.xadd(key, hub.maxEntries(), MirrorEntry.idOf(lastSequence), pending));
        pending.clear();
        if (!expirySet) {
            // The key exists from its first XADD on; until the stream ends, the renewer keeps pushing this back.
            expirySet = true;
            writes.after(() -> watch(hub.redis().call(c -> c.pexpire(key, hub.liveKeyTtlMillis()))));
        }
    }

    @Override
    public void ended() {
        assert loop.inEventLoop();
        flushed();
        State was = state;
        state = State.ENDED;
        writes.after(() -> hub.ended(this, was)); // the end lands after the last events
    }

    /** The renewer found the lease gone: another node reaped this stream and ended its copy. */
    void lost() {
        assert loop.inEventLoop();
        if (state == State.LIVE || state == State.BROKEN) {
            state = State.LOST;
            pending.clear();
            hub.forget(this);
        }
    }

    private void broke() {
        assert loop.inEventLoop();
        if (state == State.LIVE) {
            state = State.BROKEN;
            pending.clear();
            hub.broken(this);
        }
    }

    EventLoop loop() {
        return loop;
    }
}
