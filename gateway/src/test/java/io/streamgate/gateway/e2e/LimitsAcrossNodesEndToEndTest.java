package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.RedisProcess;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three gateways on one Redis enforce each tenant's limits together, and each its own while Redis is away. */
class LimitsAcrossNodesEndToEndTest {

    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    private static final String CHAT = "{\"model\":\"any-model\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    private final RedisProcess redis = RedisProcess.start();
    private final TestUpstream upstream = new TestUpstream();
    private final LinkedBlockingQueue<LiveStream> live = new LinkedBlockingQueue<>();
    private final List<GatewayUnderTest> nodes = new ArrayList<>();
    private final List<RawHttpClient> clients = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        for (RawHttpClient c : clients) {
            c.close();
        }
        nodes.forEach(GatewayUnderTest::close);
        upstream.close();
        redis.close();
    }

    /** Three nodes on the Redis, each seeing it up; {@code settings} come on top of the shared ones. */
    private void startNodes(String upstreamUrl, String... settings) {
        List<String> all = new ArrayList<>(List.of(
                "STREAMGATE_REDIS_URL", redis.url(),
                "STREAMGATE_REDIS_TIMEOUT_MS", "1000", // a loaded test machine must not make Redis look slow
                "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "0"));
        all.addAll(List.of(settings));
        for (int i = 0; i < 3; i++) {
            nodes.add(GatewayUnderTest.start(upstreamUrl, all.toArray(String[]::new)));
        }
        awaitRedis(true);
    }

    private void awaitRedis(boolean up) {
        Await.until("every node sees redis " + (up ? "up" : "down"),
                () -> nodes.stream().allMatch(n -> n.gate().redis().health().isUp() == up));
    }

    /** Starts a stream on {@code node} and reads its head; the caller closes it (or the test does). */
    private RawHttpClient post(GatewayUnderTest node) throws Exception {
        RawHttpClient c = node.stream("c" + ids.incrementAndGet(), message("hi"));
        clients.add(c);
        return c;
    }

    private RawHttpClient postDropIn(GatewayUnderTest node) throws Exception {
        RawHttpClient c = RawHttpClient.connect(node.port()).send("POST", "/v1/chat/completions", CHAT).readHead();
        clients.add(c);
        return c;
    }

    private static void assertRateLimited(RawHttpClient r, String message) throws Exception {
        assertRateLimited(r, "rate_limited", message);
    }

    private static void assertRateLimited(RawHttpClient r, String code, String message) throws Exception {
        assertEquals(429, r.status());
        assertTrue(Long.parseLong(r.header("retry-after")) >= 1);
        String error = Json.raw(r.readBody(), "error");
        assertEquals(code, Json.string(error, "code"));
        assertEquals(message, Json.string(error, "message"));
    }

    private static void assertCompletes(RawHttpClient r) throws Exception {
        assertEquals(200, r.status());
        List<SseParser.Event> events = r.readAllEvents();
        assertEquals("complete_state", Json.string(events.getLast().data(), "type"), events.toString());
    }

    /** Ends the live answers the provider is holding: the streams complete. */
    private void endLive(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            LiveStream stream = live.poll(20, TimeUnit.SECONDS);
            assertNotNull(stream, "the provider got the admitted stream");
            stream.send(DONE);
            stream.end();
        }
    }

    /** The stream leases held on Redis, over all tenants. */
    private int leasesHeld() {
        String reply = redis.command("EVAL \"local n = 0 for _, k in ipairs(redis.call('KEYS', 'sg:limits:*:streams')) "
                + "do n = n + redis.call('ZCARD', k) end return n\" 0");
        assertTrue(reply.startsWith(":"), reply);
        return Integer.parseInt(reply.substring(1));
    }

    private double fallbacks(GatewayUnderTest node) {
        return node.gate().metrics().registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("streaming_limits_local_fallback"))
                .findFirst().orElseThrow()
                .getDataPoints().stream().mapToDouble(p -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot
                        .CounterDataPointSnapshot) p).getValue()).sum();
    }

    @Test
    void aConcurrencyLimitOfNAdmitsExactlyNAcrossThreeNodesStartedAtOnce() throws Exception {
        upstream.always(new TestUpstream.Reply.LiveEach(live));
        startNodes(upstream.baseUrl(), "STREAMGATE_TENANT_MAX_STREAMS", "2");

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService racers = Executors.newFixedThreadPool(6);
        List<Future<RawHttpClient>> starts = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                GatewayUnderTest node = nodes.get(i % 3);
                String id = "race" + i;
                starts.add(racers.submit(() -> {
                    go.await();
                    return node.stream(id, message("hi"));
                }));
            }
            go.countDown();
            List<RawHttpClient> admitted = new ArrayList<>();
            int refused = 0;
            for (Future<RawHttpClient> start : starts) {
                RawHttpClient c = start.get(30, TimeUnit.SECONDS);
                clients.add(c);
                if (c.status() == 200) {
                    admitted.add(c);
                } else {
                    assertRateLimited(c, "at most 2 concurrent streams per tenant");
                    refused++;
                }
            }
            assertEquals(2, admitted.size(), "exactly N of six started at once on three nodes");
            assertEquals(4, refused);

            for (GatewayUnderTest node : nodes) { // the N+1th, on any node
                assertRateLimited(post(node), "at most 2 concurrent streams per tenant");
            }
            // The drop-in endpoints share the slots, and answer in their own dialect.
        assertRateLimited(postDropIn(nodes.get(2)), "rate_limit_exceeded", "at most 2 concurrent streams per tenant");

            endLive(2);
            for (RawHttpClient c : admitted) {
                assertCompletes(c);
            }
        } finally {
            racers.shutdownNow();
        }

        // The slots come back when the streams end; then a drop-in call on C and a stream on A take them.
        Await.until("the ended streams' leases are released", () -> leasesHeld() == 0);
        RawHttpClient dropIn = RawHttpClient.connect(nodes.get(2).port()).send("POST", "/v1/chat/completions", CHAT);
        clients.add(dropIn);
        LiveStream dropInAnswer = live.poll(20, TimeUnit.SECONDS);
        assertNotNull(dropInAnswer, "the drop-in call was admitted");
        RawHttpClient stream = post(nodes.get(0));
        assertEquals(200, stream.status());
        assertRateLimited(post(nodes.get(1)), "at most 2 concurrent streams per tenant");
        assertEquals(2, leasesHeld());
        dropInAnswer.send(DONE);
        dropInAnswer.end();
        endLive(1);
        assertCompletes(stream);
        assertEquals(200, dropIn.readHead().status());
        assertTrue(dropIn.readBody().endsWith("data: [DONE]\n\n"));
        Await.until("every lease is released", () -> leasesHeld() == 0);
        assertEquals(0, fallbacks(nodes.get(0)));
    }

    @Test
    void aClientThatLeavesBeforeRedisDecidesLeavesNoLeaseBehind() throws Exception {
        upstream.always(new TestUpstream.Reply.LiveEach(live));
        startNodes(upstream.baseUrl(), "STREAMGATE_TENANT_MAX_STREAMS", "2",
                "STREAMGATE_REDIS_TIMEOUT_MS", "3000", "STREAMGATE_REDIS_LEASE_MS", "9000");
        // Redis holds every command for a while, far less than the timeout: the decisions come late, but from Redis.
        assertEquals("+OK", redis.command("CLIENT PAUSE 700 ALL"));
        try (RawHttpClient stream = RawHttpClient.connect(nodes.get(0).port());
                RawHttpClient dropIn = RawHttpClient.connect(nodes.get(1).port())) {
            stream.send("POST", "/api/v1/conversations/gone/stream", message("hi"));
            dropIn.send("POST", "/v1/chat/completions", CHAT);
        } // both leave before the decisions arrive
        assertEquals("+OK", redis.command("CLIENT UNPAUSE"));
        Await.until("the leases the gone clients got are released", () -> leasesHeld() == 0);
        List<RawHttpClient> admitted = List.of(post(nodes.get(2)), post(nodes.get(0)));
        endLive(2);
        for (RawHttpClient c : admitted) {
            assertCompletes(c); // both slots were free
        }
        assertEquals(2, upstream.requests().size(), "the gone clients' calls never reached the provider");
        assertEquals(0, fallbacks(nodes.get(0)) + fallbacks(nodes.get(1)), "Redis decided");
    }

    @Test
    void requestsPerMinuteAreOneBudgetAcrossNodes() throws Exception {
        upstream.always(TestUpstream.Reply.sse(DONE));
        startNodes(upstream.baseUrl(), "STREAMGATE_TENANT_REQUESTS_PER_MINUTE", "3");
        for (GatewayUnderTest node : nodes) {
            assertCompletes(post(node));
        }
        assertRateLimited(post(nodes.get(0)), "at most 3 requests per minute per tenant");
        RawHttpClient read = RawHttpClient.connect(nodes.get(1).port())
                .send("GET", "/api/v1/conversations/c1", null).readHead();
        clients.add(read);
        assertRateLimited(read, "at most 3 requests per minute per tenant"); // history reads count too
    }

    @Test
    void tokensPerMinuteAreOneBudgetAcrossNodes() throws Exception {
        startNodes(null, "STREAMGATE_TENANT_TOKENS_PER_MINUTE", "20");
        assertCompletes(post(nodes.get(0))); // nothing spent yet: admitted, and it overspends
        RawHttpClient[] refused = new RawHttpClient[1];
        Await.until("node A's tokens are charged for node B", () -> { // charged once A's stream has ended
            try {
                refused[0] = post(nodes.get(1));
                if (refused[0].status() == 200) {
                    refused[0].readAllEvents();
                    return false;
                }
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertRateLimited(refused[0], "at most 20 tokens per minute per tenant");
        assertRateLimited(post(nodes.get(2)), "at most 20 tokens per minute per tenant");
    }

    @Test
    void whileRedisIsDownEachNodeEnforcesTheLimitAloneAndStreamsFlowThenTheyShareItAgain() throws Exception {
        upstream.always(new TestUpstream.Reply.LiveEach(live));
        startNodes(upstream.baseUrl(), "STREAMGATE_TENANT_MAX_STREAMS", "1");
        RawHttpClient first = post(nodes.get(0));
        assertEquals(200, first.status());
        assertRateLimited(post(nodes.get(1)), "at most 1 concurrent streams per tenant");

        redis.stop();
        awaitRedis(false);
        // Degraded: each node admits up to the limit on its own, so the cluster admits up to nodes x limit.
        assertRateLimited(post(nodes.get(0)), "at most 1 concurrent streams per tenant"); // A's own stream counts
        RawHttpClient onB = post(nodes.get(1));
        assertEquals(200, onB.status());
        assertRateLimited(post(nodes.get(1)), "at most 1 concurrent streams per tenant");
        RawHttpClient onC = post(nodes.get(2));
        assertEquals(200, onC.status());
        assertTrue(fallbacks(nodes.get(1)) >= 2, "node B decided locally");
        endLive(3);
        for (RawHttpClient c : List.of(first, onB, onC)) {
            assertCompletes(c);
        }

        redis.startAgain();
        awaitRedis(true);
        double decidedLocally = fallbacks(nodes.get(1));
        RawHttpClient again = post(nodes.get(2));
        assertEquals(200, again.status());
        assertRateLimited(post(nodes.get(1)), "at most 1 concurrent streams per tenant");
        assertEquals(decidedLocally, fallbacks(nodes.get(1)), "decided on Redis again");
        endLive(1);
        assertCompletes(again);
    }
}
