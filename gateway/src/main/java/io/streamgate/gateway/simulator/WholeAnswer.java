package io.streamgate.gateway.simulator;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The answer to a {@code stream: false} request: one {@code chat.completion} document, sent after
 * the first-token delay (a real model also takes that long before it can answer at all).
 */
final class WholeAnswer implements InFlight {

    private final ChannelHandlerContext ctx;
    private final SimAnswer answer;
    private final OpenAiJson json;
    private final long delayNanos;
    private final boolean keepAlive;
    private final Runnable onDone;
    private ScheduledFuture<?> pending;
    private boolean cancelled;

    WholeAnswer(ChannelHandlerContext ctx, SimAnswer answer, OpenAiJson json, SimulatorSettings settings,
                boolean keepAlive, Runnable onDone) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.answer = Objects.requireNonNull(answer, "answer");
        this.json = Objects.requireNonNull(json, "json");
        this.delayNanos = settings.firstTokenDelay().toNanos();
        this.keepAlive = keepAlive;
        this.onDone = Objects.requireNonNull(onDone, "onDone");
    }

    @Override
    public void start() {
        if (delayNanos == 0) {
            send();
        } else {
            pending = ctx.executor().schedule(this::send, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void send() {
        pending = null;
        if (cancelled) {
            return;
        }
        HttpReplies.sendJson(ctx, HttpResponseStatus.OK, json.completion(ctx.alloc(), answer), keepAlive);
        onDone.run();
    }

    @Override
    public void writabilityChanged() {
        // One write; the channel's outbound buffer holds it whatever the writability.
    }

    @Override
    public void cancel() {
        cancelled = true;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
