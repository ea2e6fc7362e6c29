package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;

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
 * Event-loop confined; holds at most one pending run.
 */
final class ChunkCoalescer {

    enum Kind { TEXT, THINKING }

    private final int maxTokens;
    private final Consumer<StreamEvent> emit;
    private final StringBuilder pending = new StringBuilder();
    private Kind pendingKind;
    private int pendingCount;
    private boolean textStarted;
    private boolean thinkingStarted;
    private int chunksEmitted;

    ChunkCoalescer(int maxTokens, Consumer<StreamEvent> emit) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1");
        }
        this.maxTokens = maxTokens;
        this.emit = requireNonNull(emit, "emit");
    }

    /** Adds one delta; may emit zero, one or two events (a pending run of the other kind, then this one). */
    void add(Kind kind, String delta, boolean catchUp) {
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
            emitRun(kind, delta, 1, false);
            return;
        }
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
            emitRun(pendingKind, pending.toString(), pendingCount, false);
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
        String content = pendingKind == Kind.TEXT ? pending.toString() : "";
        int count = pendingKind == Kind.TEXT ? pendingCount : 0;
        clearPending();
        emitRun(Kind.TEXT, content, count, true);
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

    private void emitRun(Kind kind, String content, int count, boolean isFinal) {
        if (kind == Kind.TEXT) {
            chunksEmitted++;
            emit.accept(new StreamEvent.MessageChunk(content, count, isFinal));
        } else {
            emit.accept(new StreamEvent.Thinking(content));
        }
    }

    private void clearPending() {
        pending.setLength(0);
        pendingKind = null;
        pendingCount = 0;
    }
}
