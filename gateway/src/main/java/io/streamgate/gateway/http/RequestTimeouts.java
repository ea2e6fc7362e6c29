package io.streamgate.gateway.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections that hold a slot without using it.
 *
 * <ul>
 *   <li><b>Header timeout</b> (slowloris): once the first bytes of a request arrive, its whole head must arrive
 *       within {@code headerTimeout}, or the client gets a 408 and the connection closes.
 *   <li><b>Idle timeout</b>: a keep-alive connection with no request in flight closes after {@code idleTimeout}.
 * </ul>
 * A request in flight (a stream may last minutes) is never timed out here: the stream has its own limits.
 * Sits right after the HTTP codec: it sees decoded heads, and {@code channelReadComplete} for bytes that did not
 * yet make a head.
 */
final class RequestTimeouts extends ChannelDuplexHandler {

    private enum State { IDLE, READING_HEAD, IN_FLIGHT }

    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private State state = State.IDLE;
    private boolean decodedThisRead;
    private ScheduledFuture<?> timer;

    RequestTimeouts(Duration headerTimeout, Duration idleTimeout) {
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            idle(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idle(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        decodedThisRead = true;
        if (msg instanceof HttpRequest) {
            state = State.IN_FLIGHT;
            cancel();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.IDLE && !decodedThisRead) {
            state = State.READING_HEAD; // bytes came, but they did not make a head yet
            arm(ctx, headerTimeoutNanos);
        }
        decodedThisRead = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean ends = msg instanceof LastHttpContent || msg instanceof FullHttpResponse;
        ctx.write(msg, promise);
        if (ends && state == State.IN_FLIGHT) {
            idle(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void idle(ChannelHandlerContext ctx) {
        state = State.IDLE;
        arm(ctx, idleTimeoutNanos);
    }

    private void arm(ChannelHandlerContext ctx, long nanos) {
        cancel();
        timer = ctx.executor().schedule(() -> expire(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        switch (state) {
            case IDLE -> ctx.close();
            case READING_HEAD -> {
                state = State.IN_FLIGHT; // nothing more is read; the connection ends with this answer
                FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT,
                        "request_timeout", "the request head did not arrive in time");
                HttpUtil.setKeepAlive(r, false);
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
            case IN_FLIGHT -> {}
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
