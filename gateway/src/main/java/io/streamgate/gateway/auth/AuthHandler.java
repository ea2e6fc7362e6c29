package io.streamgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.streamgate.gateway.http.JsonResponses;
import java.util.Optional;

/**
 * Checks the bearer key of every {@code /api/} request and records its tenant on the channel for the router.
 *
 * <p>The page and the health checks stay open: they reveal nothing and need no key. With no keys configured
 * every request belongs to the tenant {@value #ANONYMOUS} (the gateway then listens on loopback only).
 */
@ChannelHandler.Sharable
public final class AuthHandler extends ChannelInboundHandlerAdapter {

    /** The tenant of the request being handled on a channel. */
    public static final AttributeKey<String> TENANT = AttributeKey.valueOf("streamgate.tenant");

    public static final String ANONYMOUS = "-";

    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;

    public AuthHandler(ApiKeys keys) {
        this.keys = requireNonNull(keys, "keys");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || !request.uri().startsWith("/api/")) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!keys.enabled() || HttpMethod.OPTIONS.equals(request.method())) {
            ctx.channel().attr(TENANT).set(ANONYMOUS);
            ctx.fireChannelRead(msg);
            return;
        }
        Optional<String> tenant = tenantOf(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (tenant.isEmpty()) {
            ReferenceCountUtil.release(msg);
            FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "a valid API key is required: Authorization: Bearer <key>");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            ctx.writeAndFlush(r, ctx.voidPromise()); // the keep-alive handler closes if the client asked for it
            return;
        }
        ctx.channel().attr(TENANT).set(tenant.get());
        ctx.fireChannelRead(msg);
    }

    private Optional<String> tenantOf(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return keys.tenantOf(authorization.substring(BEARER.length()).strip());
    }
}
