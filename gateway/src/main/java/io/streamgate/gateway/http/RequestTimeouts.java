package io.streamgate.gateway.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections that hold a slot without using it.
 *
 * <ul>
 *   <li><b>Request deadline</b> (slowloris, slow bodies): once the first bytes of a request arrive, its head
 *       <em>and</em> its whole body must arrive within {@code requestTimeout}, or the client gets a 408 and the
 *       connection closes.
 *   <li><b>Idle timeout</b>: a keep-alive connection with no request in flight closes after {@code idleTimeout}.
 * </ul>
 * Once a request has fully arrived, nothing here times it out while it is answered (a stream may last minutes;
 * the stream has its own limits). An interim {@code 1xx} response, such as {@code 100 Continue}, does not end the
 * answer. Sits right after the HTTP codec: it sees decoded heads and body pieces, and {@code channelReadComplete}
 * for bytes that did not yet make a head.
 */
final class RequestTimeouts extends ChannelDuplexHandler {

    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    private boolean reading;   // a request has begun and its last byte has not arrived: the deadline runs
    private boolean answering; // a request has begun and its final response has not been written to its end
    private boolean responseOpen; // a final response head was written and its end was not
    private boolean decodedThisRead;
    private ScheduledFuture<?> timer;

    RequestTimeouts(Duration requestTimeout, Duration idleTimeout) {
        this.requestTimeoutNanos = requestTimeout.toNanos();
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
        if (msg instanceof HttpRequest && !reading) {
            begin(ctx); // a head that arrived whole in one read: the deadline starts now
        }
        if (msg instanceof LastHttpContent && reading) {
            reading = false; // the whole request is here
            cancel();
            if (!answering) {
                idle(ctx); // it was answered (refused) before its body ended
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!reading && !answering && !decodedThisRead) {
            begin(ctx); // bytes came, but they did not make a head yet
        }
        decodedThisRead = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        boolean ends = msg instanceof LastHttpContent && !interim;
        responseOpen = (responseOpen || (msg instanceof HttpResponse && !interim)) && !ends;
        ctx.write(msg, promise);
        if (ends && answering) {
            answering = false;
            if (!reading) {
                idle(ctx);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void begin(ChannelHandlerContext ctx) {
        reading = true;
        answering = true;
        arm(ctx, requestTimeoutNanos);
    }

    private void idle(ChannelHandlerContext ctx) {
        arm(ctx, idleTimeoutNanos);
    }

    private void arm(ChannelHandlerContext ctx, long nanos) {
        cancel();
        timer = ctx.executor().schedule(() -> expire(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (!reading) {
            ctx.close(); // idle
            return;
        }
        reading = false; // nothing more is read; the connection ends here
        if (!answering || responseOpen) {
            ctx.close(); // already answered, or an answer is being written: a 408 can't be sent now
            return;
        }
        FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT,
                "request_timeout", "the request (head and body) did not arrive in time");
        HttpUtil.setKeepAlive(r, false);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
