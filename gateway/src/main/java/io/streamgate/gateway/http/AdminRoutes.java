package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.metrics.LogValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin routes, for requests {@link RequestAdmission} admitted as admin ({@link AdmittedRequest#admin()}):
 *
 * <ul>
 *   <li>{@code DELETE /admin/v1/cache/tenants/{tenant}}: removes the answer cache's entries of that tenant, and
 *       answers {@code {"purged":n,"scope":"tenant","tenant":"..."}}. With {@code STREAMGATE_CACHE_SCOPE=global} the
 *       tenants share their entries, so every entry goes, and the answer says {@code "scope":"global"}. 404
 *       {@code cache_off} when the cache is off; 503 {@code cache_unavailable} when its store (Redis) fails.
 * </ul>
 *
 * A tenant in the path must be a tenant name as {@code STREAMGATE_API_KEYS} allows them; anything else is 400 and is
 * not echoed. One instance per connection, like the router it serves; event loop only.
 */
final class AdminRoutes {

    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
    private static final Pattern CACHE_TENANT = Pattern.compile("^/admin/v1/cache/tenants/([^/]*)$");
    /** A tenant's name, as {@code ApiKeys} accepts it. */
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final AnswerCache cache; // null: the cache is off
    private final Executor purges;

    /** @param purges where purges start, off the event loop */
    AdminRoutes(AnswerCache cache, Executor purges) {
        this.cache = cache;
        this.purges = requireNonNull(purges, "purges");
    }

    /** Answers one admin request; {@code done} runs on this event loop just before the answer is written. */
    void serve(ChannelHandlerContext ctx, FullHttpRequest request, String path, Runnable done) {
        assert ctx.executor().inEventLoop();
        Matcher m = CACHE_TENANT.matcher(path);
        if (!m.matches()) {
            answer(ctx, done, JsonResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "not_found",
                    "no such admin route"));
        } else if (!HttpMethod.DELETE.equals(request.method())) {
            FullHttpResponse r = JsonResponses.error(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method_not_allowed", "allowed: DELETE");
            r.headers().set(HttpHeaderNames.ALLOW, "DELETE");
            answer(ctx, done, r);
        } else if (!TENANT.matcher(m.group(1)).matches()) {
            answer(ctx, done, JsonResponses.error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "invalid_tenant",
                    "a tenant is 1-64 characters of A-Z a-z 0-9 _ . -"));
        } else if (cache == null) {
            answer(ctx, done, JsonResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "cache_off",
                    "the answer cache is off (STREAMGATE_CACHE=off): there is nothing to purge"));
        } else {
            purge(ctx, m.group(1), done);
        }
    }

    private void purge(ChannelHandlerContext ctx, String tenant, Runnable done) {
        boolean global = cache.settings().globalScope();
        // A memory store's purge walks every entry, which at a large STREAMGATE_CACHE_MAX_MB is too long for an
        // event loop: it runs on a pool thread, and the answer is written back on this loop.
        CompletableFuture.supplyAsync(() -> cache.purge(tenant), purges).thenCompose(f -> f)
                .whenComplete((purged, failure) -> {
                    try {
                        ctx.executor().execute(() -> answered(ctx, done, tenant, global, purged, failure));
                    } catch (RejectedExecutionException shuttingDown) {
                        // the loop is gone, and the connection with it
                    }
                });
    }

    private static void answered(ChannelHandlerContext ctx, Runnable done, String tenant, boolean global, Long purged,
            Throwable failure) {
        if (failure != null) {
            log.warn("cache purge failed: {}", LogValue.of(failure));
            answer(ctx, done, JsonResponses.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "cache_unavailable", "the cache's store could not be reached; retry shortly", true));
            return;
        }
        log.info("cache purged: {} entries of {}", purged, global ? "every tenant (the scope is global)"
                : "tenant " + tenant);
        answer(ctx, done, JsonResponses.json(ctx.alloc(), HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            g.writeNumberField("purged", purged);
            g.writeStringField("scope", global ? "global" : "tenant");
            if (!global) {
                g.writeStringField("tenant", tenant); // checked against TENANT above
            }
            g.writeEndObject();
        }));
    }

    private static void answer(ChannelHandlerContext ctx, Runnable done, FullHttpResponse response) {
        assert ctx.executor().inEventLoop();
        done.run();
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        ctx.writeAndFlush(response, ctx.voidPromise());
    }
}
