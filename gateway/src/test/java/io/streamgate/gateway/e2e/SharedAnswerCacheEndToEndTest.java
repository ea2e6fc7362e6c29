package io.streamgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.RedisProcess;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two gateways on one Redis share their exact answer cache: what one stored, the other serves. */
class SharedAnswerCacheEndToEndTest {

    private final RedisProcess redis = RedisProcess.start();
    private final TestUpstream upstream = new TestUpstream();
    private final List<GatewayUnderTest> nodes = new ArrayList<>();
    private final AtomicInteger conversations = new AtomicInteger();

    @AfterEach
    void stop() {
        nodes.forEach(GatewayUnderTest::close);
        upstream.close();
        redis.close();
    }

    /** Two nodes with the exact cache on the Redis, each seeing it up; {@code settings} on top. */
    private void startNodes(String... settings) {
        List<String> all = new ArrayList<>(List.of(
                "STREAMGATE_REDIS_URL", redis.url(),
                "STREAMGATE_REDIS_TIMEOUT_MS", "1000", // a loaded test machine must not make Redis look slow
                "STREAMGATE_API_KEYS", "acme:key-acme,globex:key-globex",
                "STREAMGATE_CACHE", "exact"));
        all.addAll(List.of(settings));
        for (int i = 0; i < 2; i++) {
            nodes.add(GatewayUnderTest.start(upstream.baseUrl(), all.toArray(String[]::new)));
        }
        awaitRedis(true);
    }

    private void awaitRedis(boolean up) {
        Await.until("both nodes see redis " + (up ? "up" : "down"),
                () -> nodes.stream().allMatch(n -> n.gate().redis().health().isUp() == up));
    }

    /** Asks {@code question} as {@code tenant} on {@code node}, in a new conversation; the complete_state's data. */
    private String ask(GatewayUnderTest node, String tenant, String question) throws Exception {
        try (RawHttpClient r = RawHttpClient.connect(node.port())
                .send("POST", "/api/v1/conversations/c" + conversations.incrementAndGet() + "/stream",
                        GatewayUnderTest.message(question), "Authorization", "Bearer key-" + tenant)
                .readHead()) {
            assertEquals(200, r.status());
            List<SseParser.Event> events = r.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            return events.getLast().data();
        }
    }

    /** Entries in Redis, read there (not through a node). */
    private long entriesInRedis() {
        String reply = redis.command("ZCARD sg:{cache}:index");
        assertTrue(reply.startsWith(":"), reply);
        return Long.parseLong(reply.substring(1));
    }

    private void awaitEntriesInRedis(long n) {
        Await.until(n + " entries in redis", () -> entriesInRedis() == n);
    }

    @Test
    void whatOneNodeStoredTheOtherServesAndWithoutRedisBothAskTheProvider() throws Exception {
        upstream.always(TestUpstream.Reply.sse(AnswerCacheEndToEndTest.answer("Paris ", "is the ", "capital.")));
        startNodes();
        GatewayUnderTest a = nodes.get(0);
        GatewayUnderTest b = nodes.get(1);

        assertFalse(Json.bool(ask(a, "acme", "capital of France?"), "cached"));
        assertEquals(1, upstream.requests().size());
        awaitEntriesInRedis(1); // stored without the stream waiting for it
        String onB = ask(b, "acme", "capital of France?");
        assertTrue(Json.bool(onB, "cached"));
        assertEquals("Paris is the capital.", Json.string(onB, "final_message"));
        assertEquals(1, upstream.requests().size(), "node B never called the provider");
        assertEquals(1, b.metric("cache_lookups_total{result=\"exact_hit\"}"));
        Await.until("node B's gauge counts node A's entry", () -> b.metric("cache_entries{kind=\"exact\"}") == 1);

        redis.stop();
        awaitRedis(false);
        String withoutRedis = ask(b, "acme", "capital of France?");
        assertFalse(Json.bool(withoutRedis, "cached"));
        assertEquals("Paris is the capital.", Json.string(withoutRedis, "final_message"), "the provider answered");
        assertEquals(2, upstream.requests().size());
        assertEquals(1, b.metric("cache_lookups_total{result=\"skipped\"}"));
        assertEquals(1, b.metric("cache_redis_errors_total{op=\"write\"}"), "its answer could not be stored");

        redis.startAgain(); // empty: nothing is persisted
        awaitRedis(true);
        assertFalse(Json.bool(ask(a, "acme", "capital of France?"), "cached"));
        awaitEntriesInRedis(1);
        assertTrue(Json.bool(ask(b, "acme", "capital of France?"), "cached"), "hits again");
        assertEquals(3, upstream.requests().size());
        assertEquals(2, b.metric("cache_lookups_total{result=\"exact_hit\"}"));
    }

    @Test
    void aTenantsPurgeOnOneNodeRemovesItsEntriesForEveryNode() throws Exception {
        upstream.always(TestUpstream.Reply.sse(AnswerCacheEndToEndTest.answer("yes")));
        startNodes();
        GatewayUnderTest a = nodes.get(0);
        GatewayUnderTest b = nodes.get(1);
        ask(a, "acme", "is it safe?");
        ask(a, "acme", "is it sound?");
        ask(b, "globex", "is it safe?");
        awaitEntriesInRedis(3);

        assertEquals(2, b.gate().cache().purge("acme").get(10, TimeUnit.SECONDS));
        assertEquals(1, entriesInRedis());
        assertFalse(Json.bool(ask(a, "acme", "is it safe?"), "cached"));
        assertTrue(Json.bool(ask(a, "globex", "is it safe?"), "cached"), "another tenant's entries stay");
        assertEquals(4, upstream.requests().size());
    }

    @Test
    void theMemoryBoundIsOneForEveryNodeAndEvictsTheOldest() throws Exception {
        String big = "x".repeat(250_000); // about 250 KB stored each: four fit in 1 MB, five do not
        upstream.always(TestUpstream.Reply.sse(AnswerCacheEndToEndTest.answer(big)));
        startNodes("STREAMGATE_CACHE_MAX_MB", "1", "STREAMGATE_CACHE_MAX_ENTRY_KB", "1024");
        GatewayUnderTest a = nodes.get(0);
        GatewayUnderTest b = nodes.get(1);
        for (int i = 1; i <= 5; i++) { // stored by either node in turn: the fifth makes room by evicting the first
            ask(i % 2 == 1 ? a : b, "acme", "question " + i + "?");
            awaitEntriesInRedis(Math.min(i, 4));
        }
        Await.until("node A's gauge shows the bound kept",
                () -> a.metric("cache_entries{kind=\"exact\"}") == 4 && a.metric("cache_bytes{kind=\"exact\"}") <= 1 << 20);
        assertFalse(Json.bool(ask(b, "acme", "question 1?"), "cached"), "the oldest went, stored by the other node");
        assertTrue(Json.bool(ask(b, "acme", "question 3?"), "cached"));
        assertEquals(6, upstream.requests().size());
    }
}
