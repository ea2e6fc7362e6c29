package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.StreamGate;
import io.streamgate.gateway.conversation.ConversationStore;
import io.streamgate.gateway.conversation.SqliteConversationStore;
import io.streamgate.gateway.routing.ModelRouter;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.LoopCheckingStore;
import io.streamgate.gateway.testing.NonBlockingThreads;
import io.streamgate.gateway.testing.NonBlockingThreads.Violation;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.PostgresProcess;
import io.streamgate.gateway.testing.RedisProcess;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * No event loop blocks on Redis or the store: two gateways on a real Redis are driven through streams, a stream
 * refused by the tenant's limit on the other node, resumes on the other node (live and after the end), a stop from
 * the other node, history reads, an answer served from the cache on Redis by the other node, the drop-in
 * endpoint, and Redis going down and coming back, while
 * BlockHound watches the gateway's loops and Lettuce's threads ({@link NonBlockingThreads}) and the store records any
 * call made on them ({@link LoopCheckingStore}). A deliberately blocking call on each kind of thread shows the
 * watch is on. Tagged: BlockHound needs a JVM of its own (the {@code never-blocks} surefire execution).
 */
@Tag("never-blocks")
class NeverBlocksALoopTest extends UpstreamAndGateway {

    private static final String KEY = "key-acme";
    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private final RedisProcess redis = RedisProcess.start();
    private final String database = PostgresProcess.shared().createDatabase();
    private final LoopCheckingStore store = new LoopCheckingStore();

    @BeforeEach
    void watch() {
        NonBlockingThreads.watch();
    }

    @AfterEach
    void stopRedis() {
        if (other != null) {
            other.close();
        }
        redis.close();
    }

    private static String delta(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    /** A second node on the same Redis: it refuses and stops the first node's streams through Redis. */
    private GatewayUnderTest other;

    private RawHttpClient request(String method, String path, String body, String... headers) throws Exception {
        return request(gateway, method, path, body, headers);
    }

    private static RawHttpClient request(GatewayUnderTest node, String method, String path, String body,
            String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + KEY));
        all.addAll(List.of(headers));
        return RawHttpClient.connect(node.port()).send(method, path, body, all.toArray(String[]::new)).readHead();
    }

    private RawHttpClient stream(String conversation) throws Exception {
        return stream(gateway, conversation);
    }

    private static RawHttpClient stream(GatewayUnderTest node, String conversation) throws Exception {
        return request(node, "POST", "/api/v1/conversations/" + conversation + "/stream", message("hi"));
    }

    /** Reads events until one carries text. */
    private static List<SseParser.Event> readUntilText(RawHttpClient client) throws Exception {
        List<SseParser.Event> seen = new ArrayList<>();
        while (seen.stream().noneMatch(e -> Json.string(e.data(), "content") instanceof String text && !text.isEmpty())) {
            List<SseParser.Event> more = client.readEvents();
            assertFalse(more.isEmpty(), "the stream ended before any text: " + seen);
            seen.addAll(more);
        }
        return seen;
    }

    private static String finishReason(List<SseParser.Event> events) {
        SseParser.Event last = events.getLast();
        assertEquals("complete_state", Json.string(last.data(), "type"), last.data());
        return Json.string(last.data(), "finish_reason");
    }

    private void streamsToTheEnd(String conversation) throws Exception {
        try (RawHttpClient client = stream(conversation)) {
            assertEquals(200, client.status());
            assertEquals("stop", finishReason(client.readAllEvents()));
        }
    }

    private String history(String conversation) throws Exception {
        try (RawHttpClient r = request("GET", "/api/v1/conversations/" + conversation, null)) {
            assertEquals(200, r.status());
            return r.readBody();
        }
    }

    private String redisState() {
        try (RawHttpClient r = RawHttpClient.connect(gateway.port()).send("GET", "/readyz", null).readHead()) {
            return Json.string(Json.raw(r.readBody(), "redis"), "state");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A node on the built-in simulator, 100 tokens 20 ms apart, so a stream runs long enough to be resumed and
     * stopped; its store (on PostgreSQL, shared by the nodes) checked. A generous Redis timeout: the instrumented JVM
     * is slow at first.
     */
    private GatewayUnderTest startNode(String id) {
        return GatewayUnderTest.start(null, store::wrap, "STREAMGATE_REDIS_URL", redis.url(),
                "STREAMGATE_DATABASE_URL", database,
                "STREAMGATE_NODE_ID", id, "STREAMGATE_REDIS_TIMEOUT_MS", "1000",
                "STREAMGATE_API_KEYS", "acme:" + KEY, "STREAMGATE_TENANT_MAX_STREAMS", "1",
                "STREAMGATE_SIM_TOKENS", "100", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "20",
                "STREAMGATE_CACHE", "exact");
    }

    @Test
    void noLoopBlocksWhileTheGatewayWorksOnRedis() throws Exception {
        gateway = startNode("node-a");
        other = startNode("node-b");
        Await.until("both nodes share stops over redis",
                () -> gateway.gate().stops().acrossNodes() && other.gate().stops().acrossNodes());

        try (RawHttpClient first = stream("c1")) {
            assertEquals(200, first.status());
            readUntilText(first);
            try (RawHttpClient refused = stream(other, "c2")) {
                assertEquals(429, refused.status(), "the tenant's one stream is taken, on the other node");
            }
            try (RawHttpClient follower = request(other, "GET", "/api/v1/conversations/c1/stream", null,
                    "Last-Event-ID", "0")) {
                assertEquals(200, follower.status());
                readUntilText(follower);
                try (RawHttpClient stop = request(other, "DELETE", "/api/v1/conversations/c1/stream", null)) {
                    assertEquals(200, stop.status(), "stopped from the other node");
                }
                assertEquals("cancelled", finishReason(follower.readAllEvents()));
            }
            assertEquals("cancelled", finishReason(first.readAllEvents()));
        }
        Await.until("the stopped answer is stored", () -> {
            try {
                return history("c1").contains("\"status\":\"cancelled\"");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        streamsToTheEnd("c2");
        try (RawHttpClient resumed = request(other, "GET", "/api/v1/conversations/c2/stream", null,
                "Last-Event-ID", "0")) {
            assertEquals(200, resumed.status());
            assertEquals("stop", finishReason(resumed.readAllEvents()));
        }
        Await.until("c2's answer is in the shared cache", () -> redis.command("ZCARD sg:{cache}:index").equals(":1"));
        try (RawHttpClient hit = stream(other, "c5")) {
            assertEquals(200, hit.status());
            assertTrue(Json.bool(hit.readAllEvents().getLast().data(), "cached"), "answered from Redis on the other node");
        }
        try (RawHttpClient dropIn = request("POST", "/v1/chat/completions", "{\"model\":\"streamgate-sim\","
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")) {
            assertEquals(200, dropIn.status());
            assertTrue(dropIn.readBody().contains("[DONE]"));
        }

        redis.stop();
        Await.until("the gateway sees redis down", () -> "down".equals(redisState()));
        streamsToTheEnd("c3");
        redis.startAgain();
        Await.until("the gateway sees redis up again", () -> "up".equals(redisState()));
        streamsToTheEnd("c4");
        assertTrue(history("c4").contains("\"status\":\"complete\""));
        gateway.close();
        gateway = null;
        other.close();
        other = null;

        assertEquals(List.of(), NonBlockingThreads.violations(), "blocking calls on loops");
        assertEquals(List.of(), store.callsOnLoops(), "store calls on loops");
    }

    @Test
    void aRedisReplyWaitedForOnAGatewayLoopOrALettuceThreadIsCaught() throws Exception {
        AtomicReference<StreamGate> gate = new AtomicReference<>();
        // The router is asked for a provider on the client channel's loop: a blocking Redis round trip there.
        gateway = GatewayUnderTest.startWrappingRouter(upstream.baseUrl(),
                // BLPOP on an empty list answers only after its 50 ms timeout, so the loop surely waits (a PING's reply
                // could land before the wait starts when the loop thread is descheduled on a busy machine).
                router -> blockingOnProvider(router,
                        () -> gate.get().redis().call(c -> c.blpop(0.05, "sg:test:empty")).get(5, TimeUnit.SECONDS)),
                "STREAMGATE_REDIS_URL", redis.url(), "STREAMGATE_REDIS_TIMEOUT_MS", "1000");
        gate.set(gateway.gate());
        Await.until("redis is up", () -> gateway.gate().redis().health().isUp());
        upstream.always(TestUpstream.Reply.sse(delta("a") + DONE));
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            assertEquals(200, client.status());
            assertEquals("stop", finishReason(client.readAllEvents()));
        }
        // A callback run where a Redis reply completes (Lettuce's loop) that waits for another reply. BLPOP on an
        // empty list answers after its own timeout, so the callback is attached before the reply can complete.
        CompletableFuture<Void> waitedOnLettuce = gate.get().redis().call(c -> c.blpop(0.05, "sg:test:empty"))
                .thenAccept(ignored -> {
                    try {
                        gate.get().redis().call(c -> c.ping()).get(50, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        // the reply cannot be read while this thread waits for it: that is the point
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
        waitedOnLettuce.get(10, TimeUnit.SECONDS);

        List<Violation> seen = NonBlockingThreads.violations();
        assertTrue(seen.stream().anyMatch(v -> v.thread().startsWith("streamgate-io-") && v.method().contains("park")),
                () -> "the wait on a gateway loop: " + seen);
        assertTrue(seen.stream().anyMatch(v -> v.thread().startsWith("lettuce-") && v.method().contains("park")),
                () -> "the wait on a Lettuce thread: " + seen);
    }

    @Test
    void aStoreCallOnALoopThreadIsRecorded() throws Exception {
        try (SqliteConversationStore sqlite = SqliteConversationStore.open(Files.createTempDirectory("streamgate-test-"))) {
            ConversationStore checked = store.wrap(sqlite);
            checked.forEachConversationId(id -> { });
            Thread loop = Thread.ofPlatform().name("streamgate-io-9-1")
                    .start(() -> checked.forEachConversationId(id -> { }));
            loop.join();
            assertEquals(List.of("forEachConversationId on streamgate-io-9-1"), store.callsOnLoops());
        }
    }

    /** A blocking action that a test runs in the middle of gateway code, on whatever thread that code runs. */
    private interface Blocking {
        void run() throws Exception;
    }

    /** {@code router}, with {@code action} run each time a provider is asked for. */
    private static ModelRouter blockingOnProvider(ModelRouter router, Blocking action) {
        return (ModelRouter) Proxy.newProxyInstance(ModelRouter.class.getClassLoader(),
                new Class<?>[] {ModelRouter.class}, (proxy, method, args) -> {
                    if (method.getName().equals("provider")) {
                        action.run();
                    }
                    try {
                        return method.invoke(router, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
