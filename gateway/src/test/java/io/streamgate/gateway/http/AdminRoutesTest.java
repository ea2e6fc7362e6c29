package io.streamgate.gateway.http;

import io.streamgate.gateway.testing.Outbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.cache.CacheKey;
import io.streamgate.gateway.cache.CacheMetrics;
import io.streamgate.gateway.cache.CacheSettings;
import io.streamgate.gateway.cache.CachedAnswer;
import io.streamgate.gateway.cache.ExactStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The purge route on an embedded channel, with a store whose purges the test completes and a purge executor whose
 * tasks the test runs: what runs where, and what is answered.
 */
class AdminRoutesTest {

    /** A store whose purge completes when the test says. */
    private static final class PendingStore implements ExactStore {
        final List<String> owners = new ArrayList<>();
        final CompletableFuture<Long> purged = new CompletableFuture<>();

        @Override
        public CompletableFuture<CachedAnswer> get(String key) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void put(CacheKey key, CachedAnswer answer) {}

        @Override
        public CompletableFuture<Long> purge(String owner) {
            owners.add(owner);
            return purged;
        }

        @Override
        public long entries() {
            return 0;
        }

        @Override
        public long bytes() {
            return 0;
        }
    }

    private final PendingStore store = new PendingStore();
    private final Queue<Runnable> pool = new ArrayDeque<>(); // the purge executor: runs only when the test says
    private int done;

    private EmbeddedChannel channel(boolean global) {
        CacheSettings settings = new CacheSettings(CacheSettings.Mode.EXACT, global, Duration.ofHours(1), 1 << 20,
                1 << 10, CacheSettings.DEFAULT_SEMANTIC_THRESHOLD, 1 << 20, Duration.ofMillis(10),
                CacheSettings.Pacing.INSTANT);
        AnswerCache cache = new AnswerCache(settings, store, null,
                new CacheMetrics(new PrometheusRegistry(), CacheMetrics.Sizes.NONE, CacheMetrics.Sizes.NONE),
                System::nanoTime);
        AdminRoutes routes = new AdminRoutes(cache, pool::add);
        return new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        routes.serve(ctx, request, request.uri(), () -> done++); // the targets here are normal
                    }
                });
    }

    private static void delete(EmbeddedChannel ch, String path) {
        ch.writeInbound(Unpooled.copiedBuffer("DELETE " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                StandardCharsets.UTF_8));
    }

    private static String written(EmbeddedChannel ch) {
        return Outbound.text(ch);
    }

    private void runPool() {
        for (Runnable r = pool.poll(); r != null; r = pool.poll()) {
            r.run();
        }
    }

    @Test
    void thePurgeStartsOffTheLoopAndIsAnsweredOnIt() {
        EmbeddedChannel ch = channel(false);
        delete(ch, "/admin/v1/cache/tenants/acme");
        assertEquals("", written(ch));
        assertEquals(List.of(), store.owners, "not started on the event loop");
        assertEquals(0, done, "busy until answered");

        runPool();
        assertEquals(List.of("acme"), store.owners);
        assertEquals("", written(ch), "nothing before the store answers");
        store.purged.complete(3L);
        String response = written(ch);
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        assertTrue(response.endsWith("{\"purged\":3,\"scope\":\"tenant\",\"tenant\":\"acme\"}"), response);
        assertEquals(1, done);
        ch.finishAndReleaseAll();
    }

    @Test
    void withAGlobalScopeEveryEntryIsPurgedAndTheAnswerSaysSo() {
        EmbeddedChannel ch = channel(true);
        delete(ch, "/admin/v1/cache/tenants/acme");
        runPool();
        assertEquals(List.of("*"), store.owners);
        store.purged.complete(5L);
        String response = written(ch);
        assertTrue(response.endsWith("{\"purged\":5,\"scope\":\"global\"}"), response);
        ch.finishAndReleaseAll();
    }

    @Test
    void aStoreThatFailsIs503() {
        EmbeddedChannel ch = channel(false);
        delete(ch, "/admin/v1/cache/tenants/acme");
        runPool();
        store.purged.completeExceptionally(new IllegalStateException("redis is down"));
        String response = written(ch);
        assertTrue(response.startsWith("HTTP/1.1 503 "), response);
        assertTrue(response.contains("\"code\":\"cache_unavailable\""), response);
        assertEquals(1, done);
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatLeftGetsNothingAndHoldsNothing() {
        EmbeddedChannel ch = channel(false);
        delete(ch, "/admin/v1/cache/tenants/acme");
        runPool();
        ch.close();
        store.purged.complete(1L);
        assertEquals("", written(ch));
        assertEquals(1, done, "the purge still happened, and the router is told");
        ch.finishAndReleaseAll();
    }
}
