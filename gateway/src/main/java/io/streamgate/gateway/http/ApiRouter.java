package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.streamgate.gateway.auth.TenantAdmission;
import io.streamgate.gateway.auth.TenantAdmission.Decision;
import io.streamgate.gateway.auth.TenantAdmission.Refusal;
import io.streamgate.gateway.auth.TenantAdmission.Slot;
import io.streamgate.gateway.conversation.ConversationJson;
import io.streamgate.gateway.dropin.DropInEndpoints;
import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.gateway.stream.ModelNotFoundException;
import io.streamgate.gateway.stream.SharedJournals;
import io.streamgate.gateway.stream.StreamBridge;
import io.streamgate.gateway.stream.StreamDirectory;
import io.streamgate.gateway.stream.StreamJournal;
import io.streamgate.gateway.stream.StreamLauncher;
import io.streamgate.gateway.stream.StreamLauncher.Delivery;
import io.streamgate.gateway.stream.StreamRequest;
import io.streamgate.gateway.stream.StreamRequestParser;
import io.streamgate.gateway.stream.StreamStops;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of the pipeline: maps each complete request to what answers it.
 *
 * <p>It routes on the normal-form path and the tenant that {@link RequestAdmission} decided on the request's head,
 * taken once per request; it never decodes the URI itself. A request that arrives without that decision was not
 * admitted and is refused.
 *
 * <p>The admin routes ({@code /admin/...}) are answered by {@link AdminRoutes}, for requests admitted as admin only.
 *
 * <p>The drop-in endpoints ({@code /v1/chat/completions}, {@code /v1/messages}, {@code /v1/models}) are answered by
 * the connection's {@link DropInEndpoints}.
 *
 * <p>One instance per connection. While a stream is in flight on the connection this handler forwards the
 * channel's writability changes and its closing to that stream's {@link StreamBridge}. Whatever must read or
 * write the store runs on a store thread ({@link Conversations}); the answer is written back on this event loop.
 */
public final class ApiRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);
    /** What a 503 {@code store_unavailable} asks for: about the store's probe interval while it is down. */
    private static final int STORE_RETRY_AFTER_SECONDS = 2;
    private static final Pattern CONVERSATION =
            Pattern.compile("^/api/v1/conversations/([A-Za-z0-9_.:-]{1,128})(/stream|/messages)?$");

    private final StreamLauncher launcher;
    private final StreamRequestParser parser;
    private final Conversations conversations;
    private final StaticPage page;
    private final HealthResponder health;
    private final TenantAdmission limits;
    private final boolean checkOwnership;
    private final StreamDirectory directory;
    private final StreamStops stops;
    private final DropInEndpoints dropIn;
    private final AdminRoutes admin;
    private StreamBridge active;
    private boolean busy; // a request is being answered (a stream, or a store read in flight)

    public ApiRouter(
            StreamLauncher launcher,
            StreamRequestParser parser,
            Conversations conversations,
            StreamDirectory directory,
            StreamStops stops,
            StaticPage page,
            HealthResponder health,
            TenantAdmission limits,
            boolean checkOwnership,
            DropInEndpoints dropIn,
            AdminRoutes admin) {
        this.launcher = requireNonNull(launcher, "launcher");
        this.parser = requireNonNull(parser, "parser");
        this.conversations = requireNonNull(conversations, "conversations");
        this.directory = requireNonNull(directory, "directory");
        this.stops = requireNonNull(stops, "stops");
        this.page = requireNonNull(page, "page");
        this.health = requireNonNull(health, "health");
        this.limits = requireNonNull(limits, "limits");
        this.checkOwnership = checkOwnership;
        this.dropIn = requireNonNull(dropIn, "dropIn");
        this.admin = requireNonNull(admin, "admin");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        long acceptedNanos = System.nanoTime();
        AdmittedRequest admitted = AdmittedRequest.take(ctx.channel());
        if (!request.decoderResult().isSuccess()) { // the body failed to decode (a bad chunk): the head was fine
            sendAndClose(ctx, MalformedRequest.response(ctx.alloc(), request.decoderResult().cause(), admitted == null
                    ? null : DropInEndpoints.dialectOf(admitted.target().path(), request.headers())));
            return;
        }
        if (admitted == null) {
            log.error("a request reached the router without being admitted; closing the connection");
            sendAndClose(ctx, JsonResponses.error(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal",
                    "the request was not admitted"));
            return;
        }
        if (busy) {
            // HTTP/1.1 pipelining behind an answer in progress: answers can't interleave, so refuse and close.
            sendAndClose(ctx, JsonResponses.error(ctx.alloc(), HttpResponseStatus.CONFLICT, "request_in_progress",
                    "a request is already being answered on this connection"));
            return;
        }
        String path = admitted.target().path();
        HttpMethod method = request.method();
        if (admitted.admin()) {
            busy = true;
            admin.serve(ctx, request, path, () -> busy = false);
            return;
        }
        if (RequestAdmission.isAdminPath(path)) { // admission never admits one as a tenant's; should it, still no
            send(ctx, request, JsonResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "not_found",
                    "no route for " + method + " " + truncate(path)));
            return;
        }
        Matcher m = CONVERSATION.matcher(path);
        if (m.matches()) {
            routeConversation(ctx, request, admitted, m.group(1), m.group(2), acceptedNanos);
            return;
        }
        if (DropInEndpoints.dialectOf(path, request.headers()) != null) {
            busy = true;
            dropIn.serve(ctx, request, path, admitted.tenant(), () -> busy = false);
            return;
        }
        switch (path) {
            case "/healthz" -> getOnly(ctx, request, () -> health.live(ctx.alloc()));
            case "/readyz" -> getOnly(ctx, request, () -> health.ready(ctx.alloc()));
            case "/", "/index.html" -> getOnly(ctx, request, () -> page.respond(ctx.alloc()));
            default -> send(ctx, request, JsonResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "not_found",
                    "no route for " + method + " " + truncate(path)));
        }
    }

    private void routeConversation(ChannelHandlerContext ctx, FullHttpRequest request, AdmittedRequest admitted,
            String id, String action, long acceptedNanos) {
        HttpMethod method = request.method();
        String tenant = admitted.tenant();
        if (action == null) {
            if (isGetOrHead(method)) {
                history(ctx, request, tenant, admitted.target(), id);
            } else {
                send(ctx, request, methodNotAllowed(ctx, "GET, HEAD"));
            }
        } else if (HttpMethod.POST.equals(method)) {
            startStream(ctx, request, tenant, id,
                    action.equals("/stream") ? Delivery.SSE : Delivery.JSON_DOCUMENT, acceptedNanos);
        } else if (action.equals("/stream") && HttpMethod.GET.equals(method)) {
            resume(ctx, request, admitted, id);
        } else if (action.equals("/stream") && HttpMethod.DELETE.equals(method)) {
            stop(ctx, tenant, id);
        } else {
            send(ctx, request, methodNotAllowed(ctx,
                    action.equals("/stream") ? "POST, GET, DELETE, OPTIONS" : "POST, OPTIONS"));
        }
    }

    /**
     * {@code GET .../stream}: replays the conversation's latest stream after {@code Last-Event-ID} (or the
     * {@code last_event_id} query parameter, for clients that can't set headers), then follows it live if it is
     * still running; a stream this node does not run is resumed from the nodes' shared copy (Redis), when there is
     * one. 204 when this tenant has nothing to resume there (an unknown id and another tenant's id get
     * the same answer); 410 when the events after that id are no longer kept; 429 when the live stream already
     * has as many followers as allowed.
     */
    private void resume(ChannelHandlerContext ctx, FullHttpRequest request, AdmittedRequest admitted, String id) {
        long lastSeen;
        try {
            lastSeen = lastEventId(request, admitted.target());
        } catch (NumberFormatException e) {
            send(ctx, request, JsonResponses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "Last-Event-ID must be an event id (a number)"));
            return;
        }
        var journal = directory.latest(admitted.tenant(), id).orElse(null);
        if (journal == null && directory.shared() != SharedJournals.NONE) {
            busy = true; // not run here: the shared copy answers, and the connection closes after it
            directory.shared().resume(ctx.channel(), admitted.tenant(), id, lastSeen);
            return;
        }
        if (journal == null) {
            send(ctx, request, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
            return;
        }
        busy = true; // the connection closes when the resumed response ends
        var client = ctx.channel();
        journal.loop().execute(() -> {
            FullHttpResponse refused = switch (journal.resume(client, lastSeen)) {
                case GONE -> JsonResponses.error(client.alloc(), HttpResponseStatus.GONE,
                        "resume_window_exceeded", "the events after id " + lastSeen + " are no longer kept");
                case TOO_MANY_FOLLOWERS -> {
                    FullHttpResponse r = JsonResponses.error(client.alloc(), HttpResponseStatus.TOO_MANY_REQUESTS,
                            "too_many_followers", "this stream already has as many resumed followers as allowed");
                    r.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
                    yield r;
                }
                case ATTACHED, REPLAYED -> null;
            };
            if (refused != null) {
                HttpUtil.setKeepAlive(refused, false);
                client.writeAndFlush(refused).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    /**
     * {@code DELETE .../stream}: stops the generation in flight, on this node or (with a shared Redis) on whichever
     * node runs it; it ends with {@code finish_reason: cancelled}. 409 when the tenant's latest stream there has
     * ended; 404 when this tenant has no stream there (an unknown id and another tenant's id alike). The answer is
     * written from this loop once the stop is done; the connection is busy meanwhile.
     */
    private void stop(ChannelHandlerContext ctx, String tenant, String id) {
        busy = true;
        stops.stop(tenant, id, ctx.executor()).whenComplete((outcome, failure) -> ctx.executor().execute(() -> {
            assert ctx.executor().inEventLoop();
            busy = false;
            if (!ctx.channel().isActive()) {
                return;
            }
            StreamStops.Outcome o = failure != null ? StreamStops.Outcome.UNKNOWN : outcome;
            ctx.writeAndFlush(switch (o) {
                case STOPPED -> JsonResponses.json(ctx.alloc(), HttpResponseStatus.OK, g -> {
                    g.writeStartObject();
                    g.writeStringField("conversation_id", id);
                    g.writeStringField("status", "stopped");
                    g.writeEndObject();
                });
                case NOT_STREAMING -> JsonResponses.error(ctx.alloc(), HttpResponseStatus.CONFLICT, "not_streaming",
                        "no generation is in progress for conversation " + id);
                case UNKNOWN -> notFound(ctx, id);
            }, ctx.voidPromise());
        }));
    }

    private static long lastEventId(FullHttpRequest request, RequestPath target) {
        String id = request.headers().get("Last-Event-ID");
        if (id == null) {
            var query = target.parameters().get("last_event_id");
            id = query == null || query.isEmpty() ? null : query.getFirst();
        }
        return id == null || id.isBlank() ? -1 : Long.parseLong(id.strip());
    }

    /**
     * {@code GET /api/v1/conversations/{id}?limit=&before=}: one page of the stored history, newest messages
     * first chosen, oldest first shown; 404 when unknown or another tenant's. Counts against the tenant's request
     * rate and its cap on reads in flight.
     */
    private void history(ChannelHandlerContext ctx, FullHttpRequest request, String tenant, RequestPath target,
            String id) {
        HistoryQuery query;
        try {
            query = HistoryQuery.parse(target.parameters());
        } catch (IllegalArgumentException e) {
            send(ctx, request, JsonResponses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "bad_request",
                    e.getMessage()));
            return;
        }
        if (!conversations.available()) {
            send(ctx, request, storeUnavailable(ctx.alloc()));
            return;
        }
        if (!conversations.admit()) {
            send(ctx, request, storeBusy(ctx));
            return;
        }
        boolean head = HttpMethod.HEAD.equals(request.method());
        CompletableFuture<Decision> decided = limits.acquireRead(tenant);
        Decision now = decided.getNow(null);
        if (now != null) {
            readDecided(ctx, now, head, tenant, id, query);
        } else {
            whenDecided(ctx, decided, d -> readDecided(ctx, d, head, tenant, id, query));
        }
    }

    private void readDecided(ChannelHandlerContext ctx, Decision decision, boolean head, String tenant, String id,
            HistoryQuery query) {
        if (!(decision instanceof Slot slot)) {
            refuse(ctx, (Refusal) decision, head);
            return;
        }
        ByteBufAllocator alloc = ctx.alloc();
        // The page is rendered on the store thread too, so a large page costs this event loop one write. The read
        // slot is free before the answer leaves, so a client's next read never finds it taken.
        var answer = conversations.page(id, tenant, query.before(), query.limit())
                .thenApply(found -> found.isPresent()
                        ? JsonResponses.json(alloc, HttpResponseStatus.OK, g -> ConversationJson.write(found.get(), g))
                        : notFound(alloc, id))
                .whenComplete((r, failure) -> slot.release());
        whenDone(ctx, answer, r -> {
            if (head) {
                r.content().clear();
            }
            ctx.writeAndFlush(r, ctx.voidPromise());
        }, () -> {});
    }

    private void startStream(ChannelHandlerContext ctx, FullHttpRequest request, String tenant, String id,
            Delivery delivery, long acceptedNanos) {
        CharSequence type = HttpUtil.getMimeType(request);
        if (type != null && !"application/json".contentEquals(type)) {
            send(ctx, request, JsonResponses.error(ctx.alloc(), HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type", "the body must be application/json"));
            return;
        }
        StreamRequest parsed;
        try {
            parsed = parser.parse(request.content()).withCacheControl(request.headers().get(HttpHeaderNames.CACHE_CONTROL));
            launcher.check(parsed);
        } catch (BadRequestException e) {
            send(ctx, request, badRequest(ctx, e));
            return;
        } catch (ModelNotFoundException e) {
            send(ctx, request, JsonResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "model_not_found",
                    e.getMessage()));
            return;
        }
        if (!conversations.available()) {
            send(ctx, request, storeUnavailable(ctx.alloc()));
            return;
        }
        if (!conversations.admit()) {
            send(ctx, request, storeBusy(ctx));
            return;
        }
        CompletableFuture<Decision> decided = limits.acquireStream(tenant);
        Decision now = decided.getNow(null);
        if (now != null) { // decided here: no hop
            streamDecided(ctx, now, id, tenant, parsed, delivery, acceptedNanos);
        } else {
            whenDecided(ctx, decided, d -> streamDecided(ctx, d, id, tenant, parsed, delivery, acceptedNanos));
        }
    }

    private void streamDecided(ChannelHandlerContext ctx, Decision decision, String id, String tenant,
            StreamRequest parsed, Delivery delivery, long acceptedNanos) {
        if (!(decision instanceof Slot slot)) {
            refuse(ctx, (Refusal) decision, false);
            return;
        }
        if (!checkOwnership) {
            launch(ctx, id, tenant, parsed, delivery, acceptedNanos, slot); // one tenant: nobody else can own it
            return;
        }
        // Ownership is claimed before any message, journal or stream exists: the loser of a race writes nothing.
        whenDone(ctx, conversations.claim(id, tenant), owned -> {
            if (owned) {
                launch(ctx, id, tenant, parsed, delivery, acceptedNanos, slot);
            } else {
                slot.release();
                ctx.writeAndFlush(notFound(ctx, id), ctx.voidPromise());
            }
        }, slot::release);
    }

    /** Starts the stream the tenant's limits admitted; its slot is released when it ends. */
    private void launch(ChannelHandlerContext ctx, String id, String tenant, StreamRequest parsed, Delivery delivery,
            long accepted, Slot slot) {
        try {
            busy = true;
            active = launcher.launch(ctx.channel(), id, tenant, parsed, delivery, accepted, () -> {
                active = null;
                busy = false;
                slot.release();
            });
        } catch (BadRequestException e) {
            busy = false;
            slot.release();
            ctx.writeAndFlush(badRequest(ctx, e), ctx.voidPromise());
        }
    }

    /**
     * Runs {@code then} on this event loop once the tenant's limits have {@code decided} (on Redis, so on another
     * thread); the connection stays busy meanwhile. A client that left by then gets nothing, and the slot it got is
     * released.
     */
    private void whenDecided(ChannelHandlerContext ctx, CompletableFuture<Decision> decided, Consumer<Decision> then) {
        busy = true;
        decided.whenComplete((decision, failure) -> {
            try {
                ctx.executor().execute(() -> {
                    busy = false;
                    if (failure != null) { // never: admissions decide locally rather than fail
                        log.error("tenant admission failed: {}", LogValue.of(failure));
                        ctx.close();
                    } else if (!ctx.channel().isActive()) {
                        release(decision);
                    } else {
                        then.accept(decision);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                release(decision);
            }
        });
    }

    private void refuse(ChannelHandlerContext ctx, Refusal refusal, boolean head) {
        assert ctx.executor().inEventLoop();
        FullHttpResponse r = rateLimited(ctx, refusal);
        if (head) {
            r.content().clear();
        }
        ctx.writeAndFlush(r, ctx.voidPromise());
    }

    private static void release(Decision decision) {
        if (decision instanceof Slot slot) {
            slot.release();
        }
    }

    /**
     * Runs {@code then} on this event loop once {@code future} completes; the connection stays busy meanwhile.
     * {@code abandoned} runs instead when the future failed (the client gets 503) or the client left.
     */
    private <T> void whenDone(
            ChannelHandlerContext ctx, CompletableFuture<T> future, Consumer<T> then, Runnable abandoned) {
        busy = true;
        future.whenComplete((value, failure) -> ctx.executor().execute(() -> {
            busy = false;
            if (!ctx.channel().isActive()) {
                ReferenceCountUtil.release(value); // a rendered answer nobody will read
                abandoned.run();
                return;
            }
            if (failure != null) {
                abandoned.run();
                log.warn("conversation store call failed: {}", LogValue.of(failure));
                ctx.writeAndFlush(storeUnavailable(ctx.alloc()), ctx.voidPromise());
                return;
            }
            then.accept(value);
        }));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (active != null) {
            active.onWritabilityChanged();
        }
        dropIn.onWritabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (active != null) {
            active.onChannelClosed();
        }
        dropIn.onChannelClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Mostly resets by clients that went away; the stream (if any) ends in channelInactive.
        log.debug("closing connection after {}", LogValue.of(cause));
        ctx.close();
    }

    private static FullHttpResponse notFound(ChannelHandlerContext ctx, String id) {
        return notFound(ctx.alloc(), id);
    }

    private static FullHttpResponse notFound(ByteBufAllocator alloc, String id) {
        return JsonResponses.error(alloc, HttpResponseStatus.NOT_FOUND, "not_found", "no conversation " + id);
    }

    /** The store cannot be reached (or a call to it failed): retry in a few seconds. */
    private static FullHttpResponse storeUnavailable(ByteBufAllocator alloc) {
        FullHttpResponse r = JsonResponses.error(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                "the conversation store is unavailable; retry shortly", true);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, STORE_RETRY_AFTER_SECONDS);
        return r;
    }

    private static FullHttpResponse storeBusy(ChannelHandlerContext ctx) {
        FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "store_busy",
                "the conversation store is busy; retry shortly", true);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
        return r;
    }

    private static FullHttpResponse rateLimited(ChannelHandlerContext ctx, Refusal refusal) {
        FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.TOO_MANY_REQUESTS,
                "rate_limited", refusal.reason());
        r.headers().set(HttpHeaderNames.RETRY_AFTER, refusal.retryAfterSeconds());
        return r;
    }

    private static FullHttpResponse badRequest(ChannelHandlerContext ctx, BadRequestException e) {
        return JsonResponses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
    }

    private static FullHttpResponse methodNotAllowed(ChannelHandlerContext ctx, String allow) {
        FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                "method_not_allowed", "allowed: " + allow);
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        return r;
    }

    private static void getOnly(
            ChannelHandlerContext ctx, FullHttpRequest request, java.util.function.Supplier<FullHttpResponse> answer) {
        send(ctx, request, isGetOrHead(request.method()) ? answer.get() : methodNotAllowed(ctx, "GET, HEAD"));
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
