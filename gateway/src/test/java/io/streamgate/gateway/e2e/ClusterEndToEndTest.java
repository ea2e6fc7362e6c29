package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayNode;
import io.streamgate.gateway.testing.GatewayNodes;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three gateway processes (A, B, C) on one Redis and one history store, in front of one provider the test drives:
 * a stream started on one node is resumed, stopped and counted against its tenant's limit on the others. The nodes
 * are shared by the tests, each with a tenant of its own; the Redis outage runs last, and ends with Redis back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEndToEndTest {

    /** The concurrency limit every tenant has on every node. */
    private static final int MAX_STREAMS = 3;

    @RegisterExtension
    static final GatewayNodes cluster = new GatewayNodes(List.of("A", "B", "C"),
            List.of("history", "resume", "stop", "limited", "outage"),
            "STREAMGATE_TENANT_MAX_STREAMS", Integer.toString(MAX_STREAMS),
            // each delta its own event, so the test knows where an answer stands
            "STREAMGATE_COALESCE_MAX_DELAY_MS", "0");

    static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    static String delta(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    static String[] auth(String tenant) {
        return new String[] {"Authorization", "Bearer " + GatewayNodes.key(tenant)};
    }

    static RawHttpClient post(GatewayNode node, String tenant, String conversation, String text) throws Exception {
        return node.request("POST", "/api/v1/conversations/" + conversation + "/stream", message(text), auth(tenant));
    }

    static RawHttpClient resume(GatewayNode node, String tenant, String conversation, String lastEventId)
            throws Exception {
        String[] headers = {auth(tenant)[0], auth(tenant)[1], "Last-Event-ID", lastEventId};
        return node.request("GET", "/api/v1/conversations/" + conversation + "/stream", null, headers);
    }


    /** The provider call the next stream makes, as a {@link LiveStream} the test drives. */
    private static CompletableFuture<LiveStream> live() {
        return cluster.upstream().live();
    }

    private static LiveStream call(CompletableFuture<LiveStream> live) throws Exception {
        return live.get(20, TimeUnit.SECONDS);
    }

    /**
     * A stream started on A and resumed on B in the middle of its answer: B replays what A had sent after the given
     * id, then follows live; both clients see the same events, byte for byte, with contiguous ids.
     */
    static void startOnAResumeOnB(String tenant, String conversation) throws Exception {
        CompletableFuture<LiveStream> live = live();
        try (RawHttpClient onA = post(cluster.node("A"), tenant, conversation, "tell me")) {
            assertEquals(200, onA.status());
            LiveStream provider = call(live);
            provider.send(delta("one"));
            List<SseParser.Event> fromA = new ArrayList<>(onA.readUntilContent("one"));
            String resumeAfter = fromA.getLast().id();
            provider.send(delta("two"));
            fromA.addAll(onA.readUntilContent("two"));
            try (RawHttpClient onB = resume(cluster.node("B"), tenant, conversation, resumeAfter)) {
                assertEquals(200, onB.status(), "B resumes a stream that runs on A");
                List<SseParser.Event> fromB = new ArrayList<>(onB.readUntilContent("two")); // replayed
                provider.send(delta("three"));
                fromB.addAll(onB.readUntilContent("three")); // live
                provider.send(DONE);
                provider.end();
                fromA.addAll(onA.readAllEvents());
                fromB.addAll(onB.readAllEvents());
                StreamingEndToEndTest.assertContract(fromA);
                assertEquals("onetwothree", Json.string(fromA.getLast().data(), "final_message"));
                int after = Integer.parseInt(resumeAfter);
                assertEquals(fromA.subList(after + 1, fromA.size()), fromB,
                        "B's events are A's after id " + resumeAfter + ": the same ids and bytes, none lost or repeated");
            }
        }
    }

    /** History written by one node is what the others read and send on as context. */
    @Test
    @Order(0)
    void aConversationAnsweredOnAIsReadOnCAndContinuedOnB() throws Exception {
        cluster.upstream().always(TestUpstream.Reply.sse(delta("Paris is the capital") + DONE));
        try (RawHttpClient onA = post(cluster.node("A"), "history", "shared-history", "capital of France?")) {
            StreamingEndToEndTest.assertContract(onA.readAllEvents());
        }
        Await.until("C reads the answer A stored", () -> {
            try (RawHttpClient onC = cluster.node("C").request(
                    "GET", "/api/v1/conversations/shared-history", null, auth("history"))) {
                return onC.status() == 200 && onC.readBody().contains("Paris is the capital");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        int before = cluster.upstream().requests().size();
        cluster.upstream().always(TestUpstream.Reply.sse(delta("About two million") + DONE));
        try (RawHttpClient onB = post(cluster.node("B"), "history", "shared-history", "and its population?")) {
            StreamingEndToEndTest.assertContract(onB.readAllEvents());
        }
        String sent = cluster.upstream().requests().get(before).body();
        assertTrue(sent.contains("capital of France?") && sent.contains("Paris is the capital"),
                "B sends the turn A stored as context: " + sent);
        try (RawHttpClient onC = cluster.node("C").request(
                "GET", "/api/v1/conversations/other-tenants", null, auth("resume"))) {
            assertEquals(404, onC.status(), "a conversation nobody started");
        }
        try (RawHttpClient foreign = post(cluster.node("C"), "resume", "shared-history", "mine now?")) {
            assertEquals(404, foreign.status(), "another tenant's conversation, claimed on A, is refused on C");
        }
    }

    @Test
    @Order(1)
    void aStreamStartedOnAIsResumedOnBMidAnswer() throws Exception {
        startOnAResumeOnB("resume", "cross-node-resume");
    }

    @Test
    @Order(2)
    void deleteOnCStopsTheStreamRunningOnA() throws Exception {
        CompletableFuture<LiveStream> live = live();
        try (RawHttpClient onA = post(cluster.node("A"), "stop", "stop-me", "a long answer")) {
            assertEquals(200, onA.status());
            LiveStream provider = call(live);
            provider.send(delta("Once upon"));
            List<SseParser.Event> events = new ArrayList<>(onA.readUntilContent("Once upon"));
            try (RawHttpClient delete = cluster.node("C").request(
                    "DELETE", "/api/v1/conversations/stop-me/stream", null, auth("stop"))) {
                assertEquals(200, delete.status());
                assertEquals("stopped", Json.string(delete.readBody(), "status"));
            }
            events.addAll(onA.readAllEvents());
            StreamingEndToEndTest.assertContract(events);
            assertEquals("cancelled", Json.string(events.getLast().data(), "finish_reason"));
            assertEquals("Once upon", Json.string(events.getLast().data(), "final_message"));
            assertTrue(provider.awaitClosed(20), "A cancels its provider call");
        }
    }

    @Test
    @Order(3)
    void aTenantsConcurrencyLimitAdmitsExactlyThatManyAcrossTheNodes() throws Exception {
        BlockingQueue<LiveStream> calls = new LinkedBlockingQueue<>();
        cluster.upstream().always(new TestUpstream.Reply.LiveEach(calls));
        List<GatewayNode> nodes = List.of(cluster.node("A"), cluster.node("B"), cluster.node("C"));
        int racers = 3 * MAX_STREAMS;
        CountDownLatch go = new CountDownLatch(1);
        List<RawHttpClient> admitted = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RawHttpClient>> starts = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                GatewayNode node = nodes.get(i % nodes.size());
                String conversation = "limited-" + i;
                starts.add(threads.submit(() -> {
                    go.await();
                    return post(node, "limited", conversation, "hi");
                }));
            }
            go.countDown();
            int refused = 0;
            for (Future<RawHttpClient> start : starts) {
                RawHttpClient client = start.get(30, TimeUnit.SECONDS);
                if (client.status() == 200) {
                    admitted.add(client);
                } else {
                    assertEquals(429, client.status());
                    assertEquals("rate_limited", Json.string(Json.raw(client.readBody(), "error"), "code"));
                    client.close();
                    refused++;
                }
            }
            assertEquals(MAX_STREAMS, admitted.size(), "exactly the limit is admitted, cluster-wide");
            assertEquals(racers - MAX_STREAMS, refused);
        }
        for (int i = 0; i < MAX_STREAMS; i++) {
            LiveStream call = calls.poll(20, TimeUnit.SECONDS);
            assertTrue(call != null, "each admitted stream calls the provider");
            call.send(delta("ok"));
            call.send(DONE);
            call.end();
        }
        for (RawHttpClient client : admitted) {
            try (client) {
                StreamingEndToEndTest.assertContract(client.readAllEvents());
            }
        }
        // The finished streams gave their slots back: a new one is admitted, on any node.
        cluster.upstream().always(TestUpstream.Reply.sse(delta("again") + DONE));
        Await.until("the tenant's slots are free again", () -> {
            try (RawHttpClient again = post(cluster.node("C"), "limited", "limited-after", "hi")) {
                if (again.status() != 200) {
                    return false;
                }
                StreamingEndToEndTest.assertContract(again.readAllEvents());
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(20));
    }

    /** Redis goes away in the middle of a stream and comes back: last, since every node sees it. */
    @Test
    @Order(4)
    void streamsCompleteWithoutRedisAndCrossNodeResumeWorksOnceItIsBack() throws Exception {
        CompletableFuture<LiveStream> live = live();
        try (RawHttpClient onA = post(cluster.node("A"), "outage", "through-the-outage", "hi")) {
            assertEquals(200, onA.status());
            LiveStream provider = call(live);
            provider.send(delta("before"));
            List<SseParser.Event> events = new ArrayList<>(onA.readUntilContent("before"));
            cluster.redis().stop();
            provider.send(delta("during"));
            provider.send(DONE);
            provider.end();
            events.addAll(onA.readAllEvents());
            StreamingEndToEndTest.assertContract(events);
            assertEquals("beforeduring", Json.string(events.getLast().data(), "final_message"));
        }
        cluster.awaitRedisState("down");
        cluster.upstream().always(TestUpstream.Reply.sse(delta("still") + delta(" here") + DONE));
        try (RawHttpClient onB = post(cluster.node("B"), "outage", "while-down", "hi")) {
            assertEquals(200, onB.status(), "a stream starts with Redis down");
            List<SseParser.Event> events = onB.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            assertEquals("still here", Json.string(events.getLast().data(), "final_message"));
        }

        cluster.redis().startAgain();
        cluster.awaitRedisState("up");
        startOnAResumeOnB("outage", "after-the-outage");
    }
}
