package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.streamgate.gateway.auth.AdminKey;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.dropin.ClientError;
import io.streamgate.gateway.dropin.DropInEndpoints;
import io.streamgate.gateway.routing.Dialect;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides on each request head, before any of its body is read or buffered, whether the request goes on.
 *
 * <p>In order:
 * <ol>
 *   <li>a head the codec could not decode: 400 (431, 414), and the connection closes;
 *   <li>exactly one {@code Host} (HTTP/1.1 requires one): 400 otherwise; in loopback mode (no API keys) it must name
 *       loopback ({@link LoopbackHost}), or 403 {@code host_not_allowed};
 *   <li>the key: every request needs a valid key when keys are configured, as {@code Authorization: Bearer} (the
 *       OpenAI SDKs) or {@code x-api-key} (the Anthropic SDKs), except the {@link #OPEN_PATHS} (the page and the
 *       health checks). 401 otherwise, whatever the path looks like; on the drop-in paths in the client's dialect;
 *   <li>the target must be in normal form ({@link RequestPath}): 400 {@code invalid_path} otherwise.
 * </ol>
 * The admin routes ({@code /admin/...}, decided on the normal-form path only, so no spelling of another path can
 * reach them or be taken for one) take the admin key instead ({@link AdminKey}): 401 without it; 403 {@code forbidden}
 * for a tenant's key (the caller is known and the routes are documented, so hiding them would protect nothing). With
 * API keys but no admin key they are off: 404 for a tenant's key. In loopback mode without an admin key they are
 * open like every other route there, since only this machine can reach the gateway.
 *
 * An admitted request goes on with an {@link AdmittedRequest} (its path and tenant) for the router. A refused one is
 * answered here; if a body was announced the connection closes after the answer, and whatever of the body arrives
 * meanwhile is dropped, so a client without a key can never make the gateway hold its body.
 *
 * <p>CORS preflights are answered before this handler (they reveal nothing and carry no key). One instance per
 * connection; event loop only.
 */
final class RequestAdmission extends ChannelInboundHandlerAdapter {

    /** The only paths that need no key. Everything else, including routes added later, does. */
    static final Set<String> OPEN_PATHS = Set.of("/", "/index.html", "/healthz", "/readyz");

    /** The admin routes' prefix: {@link #isAdminPath}. */
    static final String ADMIN = "/admin";

    /** The Anthropic SDKs' key header, accepted beside {@code Authorization: Bearer}. */
    private static final String X_API_KEY = "x-api-key";

    private static final String NOT_NORMAL = "the request target must be a path in normal form: no percent-encoding, "
            + "no empty, '.' or '..' segments, no '\\', ';', control or non-ASCII characters";

    private final ApiKeys keys;
    private final AdminKey adminKey;
    private final boolean loopbackOnly;
    private boolean forwarding; // the current request was admitted: its body goes on to the aggregator

    /** @param loopbackOnly whether the gateway serves loopback only (no keys), so {@code Host} must name loopback */
    RequestAdmission(ApiKeys keys, AdminKey adminKey, boolean loopbackOnly) {
        this.keys = requireNonNull(keys, "keys");
        this.adminKey = requireNonNull(adminKey, "adminKey");
        this.loopbackOnly = loopbackOnly;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        assert ctx.channel().eventLoop().inEventLoop();
        if (msg instanceof HttpRequest request) {
            admit(ctx, request);
        } else if (forwarding) {
            forwarding = !(msg instanceof LastHttpContent);
            ctx.fireChannelRead(msg);
        } else if (msg instanceof HttpContent) {
            ReferenceCountUtil.release(msg); // the body of a refused request (or of a preflight answered upstream)
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void admit(ChannelHandlerContext ctx, HttpRequest request) {
        AdmittedRequest.set(ctx.channel(), null); // nothing decided for an earlier request survives this head
        forwarding = false;
        Decision decision = decide(ctx, request);
        if (decision.refusal() == null) {
            AdmittedRequest.set(ctx.channel(), decision.admitted());
            forwarding = !(request instanceof LastHttpContent);
            ctx.fireChannelRead(request);
            return;
        }
        FullHttpResponse refusal = decision.refusal();
        boolean close = !request.decoderResult().isSuccess() || bodyFollows(request);
        ReferenceCountUtil.release(request);
        if (close) {
            HttpUtil.setKeepAlive(refusal, false);
            ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(refusal, ctx.voidPromise()); // the keep-alive handler closes if the client asked for it
        }
    }

    /** Either the admitted request or the answer that refuses it. */
    private record Decision(AdmittedRequest admitted, FullHttpResponse refusal) {

        static Decision admit(RequestPath target, String tenant) {
            return new Decision(new AdmittedRequest(target, tenant), null);
        }

        static Decision admitAdmin(RequestPath target) {
            return new Decision(new AdmittedRequest(target, ApiKeys.ANONYMOUS, true), null);
        }

        static Decision refuse(FullHttpResponse refusal) {
            return new Decision(null, refusal);
        }
    }

    private Decision decide(ChannelHandlerContext ctx, HttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            return Decision.refuse(MalformedRequest.response(ctx.alloc(), request.decoderResult().cause()));
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && request.protocolVersion().equals(HttpVersion.HTTP_1_1))) {
            return Decision.refuse(JsonResponses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "an HTTP/1.1 request needs exactly one Host header"));
        }
        if (loopbackOnly && (hosts.isEmpty() || !LoopbackHost.isLoopback(hosts.getFirst()))) {
            return Decision.refuse(JsonResponses.error(ctx.alloc(), HttpResponseStatus.FORBIDDEN, "host_not_allowed",
                    "without API keys the gateway serves loopback only: the Host must be localhost, 127.0.0.1 or "
                            + "[::1]"));
        }
        Optional<RequestPath> target = RequestPath.parse(request.uri());
        if (target.isPresent() && isAdminPath(target.get().path())) {
            return decideAdmin(ctx, request, target.get());
        }
        boolean open = target.isPresent() && OPEN_PATHS.contains(target.get().path());
        String tenant = ApiKeys.ANONYMOUS;
        if (keys.enabled() && !open) {
            Optional<String> keyed = keys.tenantOf(request.headers().get(HttpHeaderNames.AUTHORIZATION),
                    request.headers().get(X_API_KEY));
            if (keyed.isEmpty()) {
                return Decision.refuse(unauthorized(ctx, request, target));
            }
            tenant = keyed.get();
        }
        if (target.isEmpty()) {
            return Decision.refuse(JsonResponses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "invalid_path",
                    NOT_NORMAL));
        }
        return Decision.admit(target.get(), tenant);
    }

    /** Whether a normal-form path is an admin route's: {@code /admin} and everything under it. */
    static boolean isAdminPath(String path) {
        return path.equals(ADMIN) || path.startsWith(ADMIN + "/");
    }

    private Decision decideAdmin(ChannelHandlerContext ctx, HttpRequest request, RequestPath target) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (adminKey.configured() && adminKey.matches(authorization)) {
            return Decision.admitAdmin(target);
        }
        if (!adminKey.configured() && !keys.enabled()) {
            return Decision.admitAdmin(target); // loopback mode: the Host was checked above
        }
        boolean tenantKey = keys.enabled()
                && keys.tenantOf(authorization, request.headers().get(X_API_KEY)).isPresent();
        if (!tenantKey) {
            FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    adminKey.configured()
                            ? "the admin routes need the admin key: Authorization: Bearer <STREAMGATE_ADMIN_KEY>"
                            : "a valid API key is required: Authorization: Bearer <key>, or x-api-key: <key>");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            return Decision.refuse(r);
        }
        return Decision.refuse(adminKey.configured()
                ? JsonResponses.error(ctx.alloc(), HttpResponseStatus.FORBIDDEN, "forbidden",
                        "a tenant's API key cannot use the admin routes; they need the admin key")
                : JsonResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "not_found",
                        "the admin routes are off: no admin key is configured (STREAMGATE_ADMIN_KEY)"));
    }

    /** 401, in the drop-in client's own dialect on its paths (its SDK then raises its authentication error). */
    private static FullHttpResponse unauthorized(ChannelHandlerContext ctx, HttpRequest request,
            Optional<RequestPath> target) {
        String message = "a valid API key is required: Authorization: Bearer <key>, or x-api-key: <key>";
        Dialect dialect = target.map(t -> DropInEndpoints.dialectOf(t.path(), request.headers())).orElse(null);
        if (dialect != null) {
            return ClientError.of(ClientError.Kind.UNAUTHENTICATED, message).response(ctx.alloc(), dialect);
        }
        FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, "unauthorized", message);
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        return r;
    }

    private static boolean bodyFollows(HttpRequest request) {
        if (request instanceof LastHttpContent) {
            return false;
        }
        String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        return HttpUtil.isTransferEncodingChunked(request) || (length != null && !length.equals("0"));
    }
}
