package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.RedisProcess;
import io.streamgate.gateway.testing.SseParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three gateways on one Redis: {@code DELETE .../stream} on any node stops the stream wherever it runs. */
class StopAcrossNodesEndToEndTest {

    private static final String KEYS = "alpha:key-alpha,beta:key-beta";

    private final RedisProcess redis = RedisProcess.start();
    private final GatewayUnderTest a = node("node-a");
    private final GatewayUnderTest b = node("node-b");
    private final GatewayUnderTest c = node("node-c");

    /**
     * A node whose simulator streams far longer than any test: only a stop ends its streams. Its Redis timeout (and
     * so its wait for other nodes' answers, three of them) is generous, for a loaded test machine.
     */
    private GatewayUnderTest node(String id) {
        return GatewayUnderTest.start(null, "STREAMGATE_REDIS_URL", redis.url(), "STREAMGATE_NODE_ID", id,
                "STREAMGATE_REDIS_TIMEOUT_MS", "1000",
                "STREAMGATE_API_KEYS", KEYS, "STREAMGATE_BIND_ADDRESS", "127.0.0.1",
                "STREAMGATE_TENANT_REQUESTS_PER_MINUTE", "100000",
                "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "10",
                "STREAMGATE_SIM_TOKENS", "100000");
    }

    @AfterEach
    void stop() {
        c.close();
        b.close();
        a.close();
        redis.close();
    }

    private void awaitAllListening() {
        Await.until("every node listens for stops", () ->
                List.of(a, b, c).stream().allMatch(n -> n.gate().stops().acrossNodes()));
    }

    private static RawHttpClient stream(GatewayUnderTest node, String tenant, String conversation) throws Exception {
        RawHttpClient client = RawHttpClient.connect(node.port()).send("POST",
                "/api/v1/conversations/" + conversation + "/stream", message("a long story"),
                "Authorization", "Bearer key-" + tenant).readHead();
        assertEquals(200, client.status());
        return client;
    }

    private static RawHttpClient delete(GatewayUnderTest node, String tenant, String conversation) throws Exception {
        return RawHttpClient.connect(node.port()).send("DELETE", "/api/v1/conversations/" + conversation + "/stream",
                null, "Authorization", "Bearer key-" + tenant).readHead();
    }

    /** Reads events until some text has streamed. */
    private static List<SseParser.Event> readSomeText(RawHttpClient client) throws Exception {
        List<SseParser.Event> seen = new ArrayList<>();
        while (seen.stream().noneMatch(e -> Json.has(e.data(), "content"))) {
            List<SseParser.Event> more = client.readEvents();
            assertFalse(more.isEmpty(), "the stream ended early");
            seen.addAll(more);
        }
        return seen;
    }

    private static void assertCancelled(List<SseParser.Event> events) {
        StreamingEndToEndTest.assertContract(events);
        String complete = events.getLast().data();
        assertEquals("complete_state", Json.string(complete, "type"));
        assertEquals("cancelled", Json.string(complete, "finish_reason"));
    }

    @Test
    void deleteOnOneNodeStopsTheStreamRunningOnAnother() throws Exception {
        awaitAllListening();
        try (RawHttpClient client = stream(a, "alpha", "c1")) {
            List<SseParser.Event> events = new ArrayList<>(readSomeText(client));
            try (RawHttpClient stop = delete(c, "alpha", "c1")) {
                assertEquals(200, stop.status());
                String body = stop.readBody();
                assertEquals("c1", Json.string(body, "conversation_id"));
                assertEquals("stopped", Json.string(body, "status"));
            }
            events.addAll(client.readAllEvents());
            assertCancelled(events);
        }
        // Once it has ended, each node answers as node A does for its own ended stream.
        for (GatewayUnderTest node : List.of(a, b, c)) {
            try (RawHttpClient again = delete(node, "alpha", "c1")) {
                assertEquals(409, again.status());
                assertEquals("not_streaming", Json.string(Json.raw(again.readBody(), "error"), "code"));
            }
        }
        try (RawHttpClient unknown = delete(c, "alpha", "never-streamed")) {
            assertEquals(404, unknown.status(), "no node has it");
        }
    }

    @Test
    void aNodeWhoseOwnStreamOfTheConversationEndedStillStopsTheNewerOneElsewhere() throws Exception {
        awaitAllListening();
        try (RawHttpClient first = stream(c, "alpha", "c1")) {
            List<SseParser.Event> events = new ArrayList<>(readSomeText(first));
            try (RawHttpClient stop = delete(c, "alpha", "c1")) {
                assertEquals(200, stop.status());
            }
            events.addAll(first.readAllEvents());
            assertCancelled(events);
        }
        try (RawHttpClient second = stream(a, "alpha", "c1")) { // the client's next turn lands on node A
            List<SseParser.Event> events = new ArrayList<>(readSomeText(second));
            try (RawHttpClient stop = delete(c, "alpha", "c1")) {
                assertEquals(200, stop.status(), "node C's ended stream does not hide node A's live one");
            }
            events.addAll(second.readAllEvents());
            assertCancelled(events);
        }
    }

    @Test
    void anotherTenantsDeleteOnAnyNodeIsNotFoundAndTheStreamGoesOn() throws Exception {
        awaitAllListening();
        try (RawHttpClient client = stream(a, "alpha", "shared-id")) {
            List<SseParser.Event> events = new ArrayList<>(readSomeText(client));
            for (GatewayUnderTest node : List.of(c, a)) {
                try (RawHttpClient foreign = delete(node, "beta", "shared-id")) {
                    assertEquals(404, foreign.status(), "as for an unknown id");
                }
            }
            int before = events.size();
            events.addAll(readSomeText(client));
            assertTrue(events.size() > before, "the stream goes on");
            assertTrue(events.stream().noneMatch(e -> "complete_state".equals(Json.string(e.data(), "type"))));
            try (RawHttpClient own = delete(b, "alpha", "shared-id")) {
                assertEquals(200, own.status());
            }
            events.addAll(client.readAllEvents());
            assertCancelled(events);
        }
    }

    @Test
    void whileRedisIsDownStopsAreNodeLocalAndWorkAcrossNodesAgainOnceItIsBack() throws Exception {
        awaitAllListening();
        try (RawHttpClient client = stream(a, "alpha", "c1")) {
            List<SseParser.Event> events = new ArrayList<>(readSomeText(client));
            redis.stop();
            Await.until("nodes A and C see Redis down", () ->
                    !a.gate().redis().health().isUp() && !c.gate().redis().health().isUp());
            try (RawHttpClient elsewhere = delete(c, "alpha", "c1")) {
                assertEquals(404, elsewhere.status(), "node C alone does not know it");
            }
            events.addAll(readSomeText(client)); // still streaming
            try (RawHttpClient here = delete(a, "alpha", "c1")) {
                assertEquals(200, here.status(), "the node running it stops it without Redis");
            }
            events.addAll(client.readAllEvents());
            assertCancelled(events);
        }

        redis.startAgain();
        awaitAllListening();
        try (RawHttpClient client = stream(a, "alpha", "c2")) {
            List<SseParser.Event> events = new ArrayList<>(readSomeText(client));
            try (RawHttpClient stop = delete(c, "alpha", "c2")) {
                assertEquals(200, stop.status());
            }
            events.addAll(client.readAllEvents());
            assertCancelled(events);
        }
    }

    /**
     * Measures, without asserting it (timing belongs to the bench), how long a stop from another node takes: from
     * the DELETE sent to node C until the {@code cancelled} end has reached node A's client; and, for comparison, the
     * same with the DELETE sent to node A itself. The target is 100 ms on loopback.
     */
    @Test
    void stopLatencyAcrossNodes() throws Exception {
        awaitAllListening();
        int rounds = 50;
        long[] acrossNodes = new long[rounds];
        long[] sameNode = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            acrossNodes[i] = timedStop(c, "across-" + i);
            sameNode[i] = timedStop(a, "same-" + i);
        }
        System.out.println("stop latency over " + rounds + " stops of a stream on node A, DELETE sent until the "
                + "cancelled complete_state reached A's client: DELETE on node C " + summary(acrossNodes)
                + "; DELETE on node A " + summary(sameNode));
    }

    /** Streams on node A, stops it with a DELETE on {@code stopper}; the microseconds until A's client saw the end. */
    private long timedStop(GatewayUnderTest stopper, String conversation) throws Exception {
        try (RawHttpClient client = stream(a, "alpha", conversation);
                RawHttpClient stop = RawHttpClient.connect(stopper.port())) {
            List<SseParser.Event> events = new ArrayList<>(readSomeText(client));
            long sent = System.nanoTime();
            stop.send("DELETE", "/api/v1/conversations/" + conversation + "/stream", null,
                    "Authorization", "Bearer key-alpha");
            while (events.stream().noneMatch(e -> "complete_state".equals(Json.string(e.data(), "type")))) {
                List<SseParser.Event> more = client.readEvents();
                assertFalse(more.isEmpty(), "the stream ended without its complete_state");
                events.addAll(more);
            }
            long micros = (System.nanoTime() - sent) / 1_000;
            assertEquals(200, stop.readHead().status());
            assertCancelled(events);
            return micros;
        }
    }

    private static String summary(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "p50 %.2f ms, p90 %.2f ms, max %.2f ms", sorted[sorted.length / 2] / 1e3,
                sorted[sorted.length * 9 / 10] / 1e3, sorted[sorted.length - 1] / 1e3);
    }
}
