package io.streamgate.gateway.simulator;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a {@code stream: true} request, paced like a model: headers and the role chunk at
 * once, the first delta after the first-token delay, then one delta per interval, then the finish,
 * usage and {@code [DONE]} events. A delta is a text token, a reasoning piece or a tool-call
 * fragment ({@link SimDelta}); all are paced alike, as a model generates each of them as tokens.
 *
 * <p>Everything runs on the channel's event loop, so no field needs synchronisation. Pacing uses
 * the loop's {@code schedule}, never a sleep. Before each token the channel's writability is
 * checked: a slow client pauses the answer until {@code channelWritabilityChanged}, exactly the
 * backpressure a real provider's TCP stack applies to the gateway. With a zero interval tokens are
 * written back to back, in batches that yield the loop to other connections in between.
 */
final class StreamingAnswer implements InFlight {

    /** Tokens written per event-loop turn when the interval is zero, so one stream cannot hog the loop. */
    private static final int BATCH = 64;

    private final ChannelHandlerContext ctx;
    private final SimAnswer answer;
    private final AnswerWire json;
    private final long firstDelayNanos;
    private final long intervalNanos;
    private final boolean chunked;
    private final boolean keepAlive;
    private final Runnable onDone;

    private final PacedStep step;
    private int next;
    private boolean paused;

    /**
     * @param chunked whether the client speaks HTTP/1.1; an HTTP/1.0 client gets a body delimited by
     *     the connection's close instead, since it does not know chunked framing
     * @param keepAlive whether the connection stays open after the answer; must be false when not chunked
     */
    StreamingAnswer(ChannelHandlerContext ctx, SimAnswer answer, AnswerWire json, SimulatorSettings settings,
                    boolean chunked, boolean keepAlive, Runnable onDone) {
        this.ctx = Objects.requireNonNull(ctx, "ctx");
        this.answer = Objects.requireNonNull(answer, "answer");
        this.json = Objects.requireNonNull(json, "json");
        this.firstDelayNanos = settings.firstTokenDelay().toNanos();
        this.intervalNanos = settings.tokenInterval().toNanos();
        if (keepAlive && !chunked) {
            throw new IllegalArgumentException("a body without chunked framing ends only when the connection closes");
        }
        this.chunked = chunked;
        this.keepAlive = keepAlive;
        this.onDone = Objects.requireNonNull(onDone, "onDone");
        this.step = new PacedStep(ctx.executor(), this::step);
    }

    @Override
    public void start() {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(res, chunked);
        HttpUtil.setKeepAlive(res, keepAlive);
        ctx.write(res);
        ctx.writeAndFlush(new DefaultHttpContent(json.roleEvent(ctx.alloc(), answer)));
        step.runAfter(firstDelayNanos);
    }

    private void step() {
        List<SimDelta> deltas = answer.deltas();
        for (int budget = BATCH; next < deltas.size(); budget--) {
            if (!ctx.channel().isWritable()) {
                paused = true;
                ctx.flush();
                return;
            }
            if (budget == 0) {
                ctx.flush();
                step.runNextTurn();
                return;
            }
            ctx.write(new DefaultHttpContent(json.deltaEvent(ctx.alloc(), answer, deltas.get(next++))));
            if (intervalNanos > 0 && next < deltas.size()) {
                ctx.flush();
                step.runAfter(intervalNanos);
                return;
            }
        }
        finish();
    }

    private void finish() {
        ctx.write(new DefaultHttpContent(json.tailEvents(ctx.alloc(), answer)));
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(keepAlive
                ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
        onDone.run();
    }

    @Override
    public void writabilityChanged() {
        if (paused && !step.cancelled() && ctx.channel().isWritable()) {
            paused = false;
            // Not step() directly: this event can fire inside step()'s own flush, and resuming
            // there would nest one step per drained watermark.
            step.runNextTurn();
        }
    }

    @Override
    public void cancel() {
        step.cancel();
    }
}
