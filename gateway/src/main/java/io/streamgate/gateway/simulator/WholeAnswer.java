package io.streamgate.gateway.simulator;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * The answer to a {@code stream: false} request: one {@code chat.completion} document, sent after
 * the first-token delay (a real model also takes that long before it can answer at all).
 */
final class WholeAnswer implements InFlight {

    private final ChannelHandlerContext ctx;
    private final SimAnswer answer;
    private final AnswerWire json;
    private final long delayNanos;
    private final boolean keepAlive;
    private final Runnable onDone;
    private final PacedStep send;

    WholeAnswer(ChannelHandlerContext ctx, SimAnswer answer, AnswerWire json, SimulatorSettings settings,
                boolean keepAlive, Runnable onDone) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.answer = Objects.requireNonNull(answer, "answer");
        this.json = Objects.requireNonNull(json, "json");
        this.delayNanos = settings.firstTokenDelay().toNanos();
        this.keepAlive = keepAlive;
        this.onDone = Objects.requireNonNull(onDone, "onDone");
        this.send = new PacedStep(ctx.executor(), this::send);
    }

    @Override
    public void start() {
        send.runAfter(delayNanos);
    }

    private void send() {
        HttpReplies.sendJson(ctx, HttpResponseStatus.OK, json.completion(ctx.alloc(), answer), keepAlive);
        onDone.run();
    }

    @Override
    public void writabilityChanged() {
        // One write; the channel's outbound buffer holds it whatever the writability.
    }

    @Override
    public void cancel() {
        send.cancel();
    }
}
