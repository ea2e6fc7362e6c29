package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;


/**
 * Merges consecutive text (or thinking) deltas into fewer, larger events.
 *
 * <p>Why: one SSE message per token costs a syscall and ~150 bytes of framing per token. Merging a few tokens
 * is invisible to a reader but cuts both. The rules:
 * <ul>
 *   <li>the first delta of each kind is emitted at once: for text that is the time-to-first-token;
 *   <li>later deltas wait in {@code pending} until {@code maxTokens} have merged, another kind arrives, the
 *       stream ends, or the owner's {@code max-delay} timer calls {@link #flush()};
 *   <li>in catch-up mode (after a backpressure pause) {@code maxTokens} is ignored, so everything that queued
 *       while the client was slow leaves as one chunk.
 * </ul>
 * Each event it emits comes with the arrival time of its oldest delta, so the owner can measure how long text
 * waited on the gateway's side; a run that held deltas queued behind a slow client is {@link #UNTIMED}, since that
 * wait was the client's. Event-loop confined; holds at most one pending run.
 */
final class ChunkCoalescer {

    enum Kind { TEXT, THINKING }

    /** The arrival time given for an event whose wait is not the gateway's own (or that holds no delta). */
    static final long UNTIMED = Long.MIN_VALUE;

    /** Receives each merged event. */
    @FunctionalInterface
    interface Emitter {
        /** @param oldestArrivalNanos when the event's oldest delta arrived from upstream, or {@link #UNTIMED} */
        void emit(StreamEvent event, long oldestArrivalNanos);
    }

    private final int maxTokens;
    private final Emitter emit;
    private final StringBuilder pending = new StringBuilder();
    private Kind pendingKind;
    private int pendingCount;
    private long pendingArrival;
    private boolean pendingCaughtUp;
    private boolean textStarted;
    private boolean thinkingStarted;
    private int chunksEmitted;

    ChunkCoalescer(int maxTokens, Emitter emit) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1");
        }
        this.maxTokens = maxTokens;
        this.emit = requireNonNull(emit, "emit");
    }

    /**
     * Adds one delta; may emit zero, one or two events (a pending run of the other kind, then this one).
     *
     * @param arrivalNanos when the delta arrived from upstream
     * @param catchUp whether it queued while the client was not reading (backpressure)
     */
    void add(Kind kind, String delta, long arrivalNanos, boolean catchUp) {
        if (pendingKind != null && pendingKind != kind) {
            flush();
        }
        boolean first = kind == Kind.TEXT ? !textStarted : !thinkingStarted;
        if (first) {
            if (kind == Kind.TEXT) {
                textStarted = true;
            } else {
                thinkingStarted = true;
            }
            emitRun(kind, delta, 1, false, catchUp ? UNTIMED : arrivalNanos);
            return;
        }
        if (pendingKind == null) {
            pendingArrival = arrivalNanos;
        }
        pendingCaughtUp |= catchUp;
        pending.append(delta);
        pendingKind = kind;
        pendingCount++;
        if (!catchUp && pendingCount >= maxTokens) {
            flush();
        }
    }

    /** Emits the pending run, if any, as a non-final event. */
    void flush() {
        if (pendingKind != null) {
            emitRun(pendingKind, pending.toString(), pendingCount, false, pendingTiming());
            clearPending();
        }
    }

    /**
     * Ends the answer: emits pending thinking, then the last text as a {@code message_chunk} with
     * {@code is_final: true}. When no text is pending the final chunk is empty, so that clients always see
     * exactly one {@code is_final} chunk on success.
     */
    void finish() {
        if (pendingKind == Kind.THINKING) {
            flush();
        }
        boolean text = pendingKind == Kind.TEXT;
        String content = text ? pending.toString() : "";
        int count = text ? pendingCount : 0;
        long arrival = text ? pendingTiming() : UNTIMED;
        clearPending();
        emitRun(Kind.TEXT, content, count, true, arrival);
    }

    boolean hasPending() {
        return pendingKind != null;
    }

    int pendingChars() {
        return pending.length();
    }

    int chunksEmitted() {
        return chunksEmitted;
    }

    private long pendingTiming() {
        return pendingCaughtUp ? UNTIMED : pendingArrival;
    }

    private void emitRun(Kind kind, String content, int count, boolean isFinal, long arrival) {
        if (kind == Kind.TEXT) {
            chunksEmitted++;
            emit.emit(new StreamEvent.MessageChunk(content, count, isFinal), arrival);
        } else {
            emit.emit(new StreamEvent.Thinking(content), arrival);
        }
    }

    private void clearPending() {
        pending.setLength(0);
        pendingKind = null;
        pendingCount = 0;
        pendingCaughtUp = false;
    }
}
