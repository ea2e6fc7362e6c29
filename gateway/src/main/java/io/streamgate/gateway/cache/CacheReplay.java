package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamEvent;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Plays a cached answer into a stream's sink as if a provider sent it: its pieces as {@link UpstreamEvent.TextDelta}
 * and {@link UpstreamEvent.ThinkingDelta}, then one {@link UpstreamEvent.Completed}. Runs on the consumer's event
 * loop and never parks it: it stops while the sink is above its mark and goes on when the sink calls back, so a slow
 * client pushes back on a replay as on a provider. Each run is one batch, which the consumer drains inline at its end.
 *
 * <p>{@link CacheSettings.Pacing#INSTANT} merges consecutive pieces of a kind into events of up to
 * {@value #MERGED_CHARS} characters; {@link CacheSettings.Pacing#ORIGINAL} sends each piece when it first arrived,
 * after the first, which goes at once.
 */
final class CacheReplay implements UpstreamCall {

    static final int MERGED_CHARS = 1024;

    private final CachedAnswer answer;
    private final TokenSink sink;
    private final EventExecutor loop;
    private final CacheSettings.Pacing pacing;
    private final LongSupplier clock;
    private final Runnable run = this::run;
    private int next; // the next piece
    private long startNanos = -1;
    private boolean over; // cancelled, or everything published
    private ScheduledFuture<?> timer;

    CacheReplay(CachedAnswer answer, TokenSink sink, EventExecutor loop, CacheSettings.Pacing pacing, LongSupplier clock) {
        this.answer = requireNonNull(answer, "answer");
        this.sink = requireNonNull(sink, "sink");
        this.loop = requireNonNull(loop, "loop");
        this.pacing = requireNonNull(pacing, "pacing");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Starts in a task of its own, so nothing is published before the caller has the call in hand. */
    void start() {
        loop.execute(run);
    }

    @Override
    public void cancel() {
        if (loop.inEventLoop()) {
            stop();
        } else {
            loop.execute(this::stop);
        }
    }

    private void stop() {
        over = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void run() {
        assert loop.inEventLoop();
        timer = null;
        if (over) {
            return;
        }
        long now = clock.getAsLong();
        if (startNanos < 0) {
            startNanos = now;
        }
        sink.batchStarted();
        try {
            while (!over) {
                if (sink.aboveMark()) {
                    sink.whenBelowMark(() -> loop.execute(run));
                    return;
                }
                if (next == answer.pieces()) {
                    over = true;
                    sink.publish(new UpstreamEvent.Completed(answer.finishReason(), answer.usage()));
                    return;
                }
                long due = startNanos + TimeUnit.MILLISECONDS.toNanos(answer.atMillis(next));
                if (pacing == CacheSettings.Pacing.ORIGINAL && due > now) {
                    timer = loop.schedule(run, due - now, TimeUnit.NANOSECONDS);
                    return;
                }
                if (!sink.publish(nextEvent())) {
                    over = true; // the consumer has gone
                }
            }
        } finally {
            sink.batchEnded();
        }
    }

    /** The next piece, merged with those after it of the same kind when replaying at once. */
    private UpstreamEvent nextEvent() {
        CachedAnswer.Kind kind = answer.kind(next);
        String text = answer.piece(next++);
        if (pacing == CacheSettings.Pacing.INSTANT) {
            StringBuilder merged = null;
            while (next < answer.pieces() && answer.kind(next) == kind
                    && (merged == null ? text.length() : merged.length()) + answer.piece(next).length() <= MERGED_CHARS) {
                if (merged == null) {
                    merged = new StringBuilder(MERGED_CHARS).append(text);
                }
                merged.append(answer.piece(next++));
            }
            if (merged != null) {
                text = merged.toString();
            }
        }
        return kind == CachedAnswer.Kind.TEXT ? new UpstreamEvent.TextDelta(text) : new UpstreamEvent.ThinkingDelta(text);
    }
}
