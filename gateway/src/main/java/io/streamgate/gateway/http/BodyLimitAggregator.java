package io.streamgate.gateway.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.streamgate.gateway.dropin.ClientError;
import io.streamgate.gateway.routing.Dialect;

/**
 * Netty's aggregator with a bounded body, answering an oversized one with the gateway's JSON 413 instead of
 * Netty's empty one (in the drop-in client's dialect on its paths), then closing: the rest of the body is never read.
 *
 * <p>It also answers {@code Expect}: {@code 100-continue} gets {@code 100 Continue} (the request was authenticated
 * on its head before it got here), or the JSON 413 when the announced body is too large; any other expectation gets
 * a JSON 417. After a 413 or 417 the connection closes, so a body the client sends anyway is never read.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

    private final int maxBodyBytes;

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes, true);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(tooLarge(ctx.channel().pipeline(), oversized)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(response instanceof HttpResponse r) || r.status().codeClass() != HttpStatusClass.CLIENT_ERROR) {
            return response; // 100 Continue, or no expectation at all
        }
        boolean expectationFailed = r.status().equals(HttpResponseStatus.EXPECTATION_FAILED);
        ReferenceCountUtil.release(response);
        if (!expectationFailed) {
            return tooLarge(pipeline, start);
        }
        FullHttpResponse failed = JsonResponses.error(pipeline.channel().alloc(), HttpResponseStatus.EXPECTATION_FAILED,
                "expectation_failed", "the only expectation supported is Expect: 100-continue");
        HttpUtil.setKeepAlive(failed, false);
        return failed;
    }

    /** The 413, in a drop-in client's own dialect on its paths (its SDK then raises its own error type). */
    private FullHttpResponse tooLarge(ChannelPipeline pipeline, HttpMessage request) {
        String message = "the request body exceeds " + maxBodyBytes + " bytes";
        Dialect dialect = ClientDialect.of(request);
        FullHttpResponse r = dialect != null
                ? ClientError.of(ClientError.Kind.TOO_LARGE, message).response(pipeline.channel().alloc(), dialect)
                : JsonResponses.error(pipeline.channel().alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "payload_too_large", message);
        HttpUtil.setKeepAlive(r, false);
        return r;
    }
}
