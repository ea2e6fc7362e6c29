package io.streamgate.gateway.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Sends one complete JSON response and honours keep-alive; shared by answers and errors. */
final class HttpReplies {

    private HttpReplies() {}

    /**
     * Writes {@code body} (ownership passes to the channel) as a JSON response and flushes it;
     * closes the connection afterwards unless it is kept alive.
     */
    static void sendJson(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(res, body.readableBytes());
        HttpUtil.setKeepAlive(res, keepAlive);
        ctx.writeAndFlush(res).addListener(keepAlive
                ? ChannelFutureListener.CLOSE_ON_FAILURE
                : ChannelFutureListener.CLOSE);
    }
}
