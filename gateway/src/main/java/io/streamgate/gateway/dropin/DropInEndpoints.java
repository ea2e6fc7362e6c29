package io.streamgate.gateway.dropin;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.streamgate.gateway.auth.TenantAdmission.Decision;
import io.streamgate.gateway.auth.TenantAdmission.Refusal;
import io.streamgate.gateway.auth.TenantAdmission.Slot;
import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.gateway.routing.Deployment;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.gateway.stream.BadRequestException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drop-in endpoints of one connection: {@code POST /v1/chat/completions}, {@code POST /v1/messages} and
 * {@code GET /v1/models}. Checks the request, routes its model, applies the tenant's limits (as the conversation API
 * does: one stream slot and one request token per call) and starts a {@link DropInCall}. Errors are in the client's
 * dialect ({@link ClientError}). Used on the connection's event loop only.
 */
public final class DropInEndpoints {

    public static final String CHAT_COMPLETIONS = "/v1/chat/completions";
    public static final String MESSAGES = "/v1/messages";
    public static final String MODELS = "/v1/models";

    private static final Logger log = LoggerFactory.getLogger(DropInEndpoints.class);

    private final DropInServices services;
    private DropInCall active;

    public DropInEndpoints(DropInServices services) {
        this.services = requireNonNull(services, "services");
    }

    /**
     * The dialect a request to {@code path} speaks, or {@code null} when it is not a drop-in path. {@code /v1/models}
     * is shared: a client that sends {@code anthropic-version} (the Anthropic SDKs always do) is answered in
     * Anthropic's dialect.
     */
    public static Dialect dialectOf(String path, HttpHeaders headers) {
        return switch (path) {
            case MESSAGES -> Dialect.ANTHROPIC;
            case CHAT_COMPLETIONS -> Dialect.OPENAI;
            case MODELS -> headers.contains("anthropic-version") ? Dialect.ANTHROPIC : Dialect.OPENAI;
            default -> null;
        };
    }

    /**
     * Answers one request to a drop-in path.
     *
     * @param done runs once, on the loop, when the connection may take its next request: at once for an answer
     *     written whole, at the end of a stream otherwise
     */
    public void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path, String tenant, Runnable done) {
        Dialect dialect = requireNonNull(dialectOf(path, request.headers()), "not a drop-in path");
        HttpMethod method = request.method();
        if (path.equals(MODELS)) {
            if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
                FullHttpResponse list = ModelList.response(ctx.alloc(), services.router().models(), dialect);
                if (HttpMethod.HEAD.equals(method)) {
                    list.content().clear();
                }
                send(ctx, list, done);
            } else {
                send(ctx, methodNotAllowed(ctx, dialect, "GET, HEAD"), done);
            }
            return;
        }
        if (!HttpMethod.POST.equals(method)) {
            send(ctx, methodNotAllowed(ctx, dialect, "POST"), done);
            return;
        }
        CharSequence type = HttpUtil.getMimeType(request);
        if (type != null && !"application/json".contentEquals(type)) {
            send(ctx, error(ctx, dialect, ClientError.Kind.BAD_REQUEST, "the body must be application/json"), done);
            return;
        }
        DropInRequest parsed;
        try {
            parsed = DropInRequest.read(dialect, ByteBufUtil.getBytes(request.content()), request.headers());
        } catch (BadRequestException e) {
            send(ctx, error(ctx, dialect, ClientError.Kind.BAD_REQUEST, e.getMessage()), done);
            return;
        }
        List<Deployment> candidates = services.router().candidates(parsed.model());
        if (candidates.isEmpty()) {
            send(ctx, error(ctx, dialect, ClientError.Kind.MODEL_NOT_FOUND,
                    "the model '" + Reading.excerpt(parsed.model()) + "' does not exist or is not served here"), done);
            return;
        }
        CompletableFuture<Decision> decided = services.limits().acquireStream(tenant);
        Decision now = decided.getNow(null);
        if (now != null) {
            admitted(ctx, now, dialect, parsed, tenant, candidates, done);
            return;
        }
        // Decided on Redis: back to this loop before touching the connection; a client gone by then frees the slot.
        decided.whenComplete((decision, failure) -> {
            try {
                ctx.executor().execute(() -> {
                    if (failure != null || !ctx.channel().isActive()) { // failure: never, admissions decide locally
                        release(decision);
                        if (failure != null) {
                            log.error("tenant admission failed: {}", LogValue.of(failure));
                            ctx.close();
                        }
                        done.run();
                    } else {
                        admitted(ctx, decision, dialect, parsed, tenant, candidates, done);
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                release(decision);
            }
        });
    }

    private void admitted(ChannelHandlerContext ctx, Decision decision, Dialect dialect, DropInRequest parsed,
            String tenant, List<Deployment> candidates, Runnable done) {
        assert ctx.executor().inEventLoop();
        if (decision instanceof Refusal refusal) {
            send(ctx, new ClientError(ClientError.Kind.RATE_LIMITED, refusal.reason(), refusal.retryAfterSeconds())
                    .response(ctx.alloc(), dialect), done);
            return;
        }
        Slot slot = (Slot) decision;
        DropInCall call = new DropInCall(ctx.channel(), parsed, tenant, candidates, services, () -> {
            active = null;
            slot.release();
            done.run();
        });
        active = call;
        try {
            call.start();
        } catch (RuntimeException e) { // a fault of ours (a router or transport bug): the slot must not leak
            log.error("a drop-in call failed to start: {}", LogValue.of(e));
            if (active == call) {
                call.onChannelClosed(); // ends it: lease returned, limits released, connection free again
                ctx.writeAndFlush(error(ctx, dialect, ClientError.Kind.INTERNAL, "the call could not be started"),
                        ctx.voidPromise());
            }
        }
    }

    private static void release(Decision decision) {
        if (decision instanceof Slot slot) {
            slot.release();
        }
    }

    public void onWritabilityChanged() {
        if (active != null) {
            active.onWritabilityChanged();
        }
    }

    public void onChannelClosed() {
        if (active != null) {
            active.onChannelClosed();
        }
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, Runnable done) {
        ctx.writeAndFlush(response, ctx.voidPromise());
        done.run();
    }

    private static FullHttpResponse error(ChannelHandlerContext ctx, Dialect dialect, ClientError.Kind kind,
            String message) {
        return ClientError.of(kind, message).response(ctx.alloc(), dialect);
    }

    private static FullHttpResponse methodNotAllowed(ChannelHandlerContext ctx, Dialect dialect, String allow) {
        FullHttpResponse r = error(ctx, dialect, ClientError.Kind.METHOD_NOT_ALLOWED, "allowed: " + allow);
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        return r;
    }
}
