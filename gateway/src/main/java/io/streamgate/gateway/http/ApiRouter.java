package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.streamgate.gateway.auth.AuthHandler;
import io.streamgate.gateway.auth.TenantLimits;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.gateway.stream.StreamBridge;
import io.streamgate.gateway.stream.StreamLauncher;
import io.streamgate.gateway.stream.StreamLauncher.Delivery;
import io.streamgate.gateway.stream.StreamRequest;
import io.streamgate.gateway.stream.StreamRequestParser;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of the pipeline: maps each complete request to what answers it.
 *
 * <p>One instance per connection. While a stream is in flight on the connection this handler forwards the
 * channel's writability changes and its closing to that stream's {@link StreamBridge}.
 */
public final class ApiRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);
    private static final Pattern CONVERSATION =
            Pattern.compile("^/api/v1/conversations/([A-Za-z0-9_.:-]{1,128})/(stream|messages)$");

    private final StreamLauncher launcher;
    private final StreamRequestParser parser;
    private final StaticPage page;
    private final HealthResponder health;
    private final TenantLimits limits;
    private StreamBridge active;

    public ApiRouter(
            StreamLauncher launcher,
            StreamRequestParser parser,
            StaticPage page,
            HealthResponder health,
            TenantLimits limits) {
        this.launcher = requireNonNull(launcher, "launcher");
        this.parser = requireNonNull(parser, "parser");
        this.page = requireNonNull(page, "page");
        this.health = requireNonNull(health, "health");
        this.limits = requireNonNull(limits, "limits");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        long acceptedNanos = System.nanoTime();
        if (!request.decoderResult().isSuccess()) {
            rejectMalformed(ctx, request.decoderResult().cause());
            return;
        }
        if (active != null) {
            // HTTP/1.1 pipelining behind a live stream: answers can't interleave, so refuse and close.
            sendAndClose(ctx, JsonResponses.error(ctx.alloc(), HttpResponseStatus.CONFLICT, "stream_in_progress",
                    "a stream is already in progress on this connection"));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        HttpMethod method = request.method();
        Matcher m = CONVERSATION.matcher(path);
        if (m.matches()) {
            if (!HttpMethod.POST.equals(method)) {
                send(ctx, request, methodNotAllowed(ctx, "POST, OPTIONS"));
                return;
            }
            Delivery delivery = m.group(2).equals("stream") ? Delivery.SSE : Delivery.JSON_DOCUMENT;
            startStream(ctx, request, m.group(1), delivery, acceptedNanos);
            return;
        }
        switch (path) {
            case "/healthz", "/readyz" -> {
                if (isGetOrHead(method)) {
                    send(ctx, request, health.respond(ctx.alloc()));
                } else {
                    send(ctx, request, methodNotAllowed(ctx, "GET, HEAD"));
                }
            }
            case "/", "/index.html" -> {
                if (isGetOrHead(method)) {
                    send(ctx, request, page.respond(ctx.alloc()));
                } else {
                    send(ctx, request, methodNotAllowed(ctx, "GET, HEAD"));
                }
            }
            default -> send(ctx, request, JsonResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "not_found",
                    "no route for " + method + " " + truncate(path)));
        }
    }

    private void startStream(
            ChannelHandlerContext ctx, FullHttpRequest request, String conversationId, Delivery delivery, long accepted) {
        CharSequence type = HttpUtil.getMimeType(request);
        if (type != null && !"application/json".contentEquals(type)) {
            send(ctx, request, JsonResponses.error(ctx.alloc(), HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type", "the body must be application/json"));
            return;
        }
        StreamRequest parsed;
        try {
            parsed = parser.parse(request.content());
        } catch (BadRequestException e) {
            send(ctx, request, JsonResponses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "bad_request",
                    e.getMessage()));
            return;
        }
        String tenant = tenant(ctx);
        var refusal = limits.tryAcquire(tenant);
        if (refusal.isPresent()) {
            FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.TOO_MANY_REQUESTS,
                    "rate_limited", refusal.get().reason());
            r.headers().set(HttpHeaderNames.RETRY_AFTER, refusal.get().retryAfterSeconds());
            send(ctx, request, r);
            return;
        }
        active = launcher.launch(ctx.channel(), conversationId, tenant, parsed, delivery, accepted, () -> {
            active = null;
            limits.release(tenant);
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (active != null) {
            active.onWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (active != null) {
            active.onChannelClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Mostly resets by clients that went away; the stream (if any) ends in channelInactive.
        log.debug("closing connection after {}", cause.toString());
        ctx.close();
    }

    private static String tenant(ChannelHandlerContext ctx) {
        String tenant = ctx.channel().attr(AuthHandler.TENANT).get();
        return tenant != null ? tenant : AuthHandler.ANONYMOUS;
    }

    private void rejectMalformed(ChannelHandlerContext ctx, Throwable cause) {
        HttpResponseStatus status;
        String code;
        if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            code = "headers_too_large";
        } else if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            code = "uri_too_long";
        } else if (cause instanceof TooLongFrameException) {
            status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            code = "payload_too_large";
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
            code = "bad_request";
        }
        sendAndClose(ctx, JsonResponses.error(ctx.alloc(), status, code, "malformed HTTP request"));
    }

    private static FullHttpResponse methodNotAllowed(ChannelHandlerContext ctx, String allow) {
        FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                "method_not_allowed", "allowed: " + allow);
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        return r;
    }

    private static boolean isGetOrHead(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        if (HttpMethod.HEAD.equals(request.method())) {
            response.content().clear();
        }
        ctx.writeAndFlush(response, ctx.voidPromise()); // HttpServerKeepAliveHandler honours Connection: close
    }

    private static void sendAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
