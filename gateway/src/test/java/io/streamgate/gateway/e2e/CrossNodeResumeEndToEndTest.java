package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.streamgate.gateway.conversation.ConversationStore;
import io.streamgate.gateway.conversation.SqliteConversationStore;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.RedisProcess;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several gateways on one Redis: a stream started on one node is resumed on another, from its Redis copy, with every
 * event byte for byte as the first node's client got it; a dead owner's followers get a retryable error.
 */
class CrossNodeResumeEndToEndTest {

    private static final String KEYS = "acme:key-acme,globex:key-globex";
    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private final RedisProcess redis = RedisProcess.start();
    private final TestUpstream upstream = new TestUpstream();
    private final List<GatewayUnderTest> gateways = new ArrayList<>();
    /** One store for every node, as PostgreSQL would be: each node's own is swapped for it. */
    private final ConversationStore sharedStore = SqliteConversationStore.open(java.nio.file.Path.of(tempDir()));

    @AfterEach
    void stop() {
        gateways.forEach(GatewayUnderTest::close);
        sharedStore.close();
        upstream.close();
        redis.close();
    }

    /** {@code shared} for everything but {@code close}, which closes the node's own store. */
    private static ConversationStore sharing(ConversationStore shared, ConversationStore own) {
        return (ConversationStore) Proxy.newProxyInstance(ConversationStore.class.getClassLoader(),
                new Class<?>[] {ConversationStore.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(method.getName().equals("close") ? own : shared, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String tempDir() {
        try {
            return java.nio.file.Files.createTempDirectory("streamgate-cross-node-").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A node on the shared Redis (and the shared store, as PostgreSQL would be), with a short lease. */
    private GatewayUnderTest node(String name, String... more) {
        List<String> settings = new ArrayList<>(List.of(
                "STREAMGATE_REDIS_URL", redis.url(),
                "STREAMGATE_NODE_ID", name,
                "STREAMGATE_API_KEYS", KEYS,
                "STREAMGATE_COALESCE_MAX_DELAY_MS", "0",
                // A short lease, at least three command timeouts; the timeout long enough that a loaded test machine
                // does not look like Redis down.
                "STREAMGATE_REDIS_LEASE_MS", "3000",
                "STREAMGATE_REDIS_TIMEOUT_MS", "1000"));
        settings.addAll(List.of(more));
        GatewayUnderTest g = GatewayUnderTest.start(upstream.baseUrl(), own -> sharing(sharedStore, own),
                settings.toArray(String[]::new));
        gateways.add(g);
        // Each node starts degraded if its first connection is slow, and mirrors nothing until Redis is up for it.
        Await.until(name + " sees Redis", () -> g.gate().redis().health().isUp(), Duration.ofSeconds(20));
        return g;
    }

    private static String delta(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static String thinking(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"" + text
                + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static RawHttpClient post(GatewayUnderTest g, String tenant, String conversation) throws Exception {
        return RawHttpClient.connect(g.port())
                .send("POST", "/api/v1/conversations/" + conversation + "/stream", message("hi"),
                        "Authorization", "Bearer key-" + tenant)
                .readHead();
    }

    private static RawHttpClient resume(GatewayUnderTest g, String tenant, String conversation, String lastEventId)
            throws Exception {
        return RawHttpClient.connect(g.port())
                .send("GET", "/api/v1/conversations/" + conversation + "/stream", null,
                        "Authorization", "Bearer key-" + tenant, "Last-Event-ID", lastEventId)
                .readHead();
    }


    private static void assertContiguousFrom(long first, List<SseParser.Event> events) {
        for (int i = 0; i < events.size(); i++) {
            assertEquals(String.valueOf(first + i), events.get(i).id(), "no gap, no repeat");
        }
    }

    /** The entries of every mirrored stream, read with a client of the test's own. */
    private List<List<StreamMessage<String, byte[]>>> mirroredStreams() {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, byte[]> c =
                client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
            List<List<StreamMessage<String, byte[]>>> all = new ArrayList<>();
            for (String key : c.sync().keys("sg:rs:*")) {
                all.add(c.sync().xrange(key, Range.unbounded()));
            }
            return all;
        } finally {
            client.shutdown();
        }
    }

    private static String code(RawHttpClient r) throws Exception {
        return Json.string(Json.raw(r.readBody(), "error"), "code");
    }

    @Test
    void resumedOnAnotherNodeMidBatchThenLiveItGetsExactlyWhatTheFirstNodeSent() throws Exception {
        // One entry per flush, so that a two-event flush is an entry to resume in the middle of.
        GatewayUnderTest a = node("node-a", "STREAMGATE_RESUME_REDIS_FLUSH_MS", "0");
        GatewayUnderTest b = node("node-b", "STREAMGATE_RESUME_MAX_FOLLOWERS", "1");
        var live = upstream.live();
        try (RawHttpClient origin = post(a, "acme", "c1")) {
            assertEquals(200, origin.status());
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.send(delta("one"));
            List<SseParser.Event> seen = new ArrayList<>(origin.readUntilContent("one"));
            stream.send(thinking("hmm") + delta("two")); // one read: two events in one flush, one XADD
            seen.addAll(origin.readUntilContent("two"));
            Await.until("the two-event flush is in Redis", () -> mirroredStreams().stream().flatMap(List::stream)
                    .anyMatch(m -> m.getBody().size() == 2));
            StreamMessage<String, byte[]> batch = mirroredStreams().stream().flatMap(List::stream)
                    .filter(m -> m.getBody().size() == 2).findFirst().orElseThrow();
            long firstOfBatch = batch.getBody().keySet().stream().mapToLong(Long::parseLong).min().orElseThrow();
            String lastSeen = String.valueOf(firstOfBatch); // the resume starts inside that entry

            try (RawHttpClient follower = resume(b, "acme", "c1", lastSeen)) {
                assertEquals(200, follower.status());
                assertEquals("text/event-stream", follower.header("content-type"));
                assertEquals("no-cache", follower.header("cache-control"));
                assertEquals("close", follower.header("connection"), "a resumed response ends its connection");
                List<SseParser.Event> resumed = new ArrayList<>(follower.readUntilContent("two"));
                try (RawHttpClient second = resume(b, "acme", "c1", lastSeen)) {
                    assertEquals(429, second.status(), "followers per stream are bounded");
                    assertEquals("too_many_followers", code(second));
                }
                stream.send(delta("three"));
                stream.send(DONE);
                stream.end();
                List<SseParser.Event> all = new ArrayList<>(seen);
                all.addAll(origin.readAllEvents());
                StreamingEndToEndTest.assertContract(all);
                resumed.addAll(follower.readAllEvents());
                int from = (int) firstOfBatch + 1;
                assertEquals(all.subList(from, all.size()), resumed, "every event, byte for byte, after the id");
                assertContiguousFrom(from, resumed);
                assertEquals("onetwothree", Json.string(resumed.getLast().data(), "final_message"));
            }
        }
    }

    @Test
    void afterTheEndAnotherNodeReplaysAndAnotherTenantFindsNothing() throws Exception {
        upstream.always(TestUpstream.Reply.sse(delta("a") + delta("b") + delta("c") + DONE));
        GatewayUnderTest a = node("node-a");
        GatewayUnderTest b = node("node-b");
        List<SseParser.Event> original;
        try (RawHttpClient client = post(a, "acme", "c1")) {
            original = client.readAllEvents();
        }
        StreamingEndToEndTest.assertContract(original);
        Await.until("the end is in Redis", () -> mirroredStreams().stream().flatMap(List::stream)
                .anyMatch(m -> m.getBody().containsKey("end")));
        try (RawHttpClient resumed = resume(b, "acme", "c1", "0")) {
            assertEquals(200, resumed.status());
            assertEquals(original.subList(1, original.size()), resumed.readAllEvents());
        }
        try (RawHttpClient all = resume(b, "acme", "c1", "-1")) {
            assertEquals(original, all.readAllEvents(), "without an id: everything");
        }
        try (RawHttpClient beforeTheStart = resume(b, "acme", "c1", "-5")) {
            assertEquals(original, beforeTheStart.readAllEvents(), "an id before the first: everything, as locally");
        }
        try (RawHttpClient huge = resume(b, "acme", "c1", String.valueOf(Long.MAX_VALUE))) {
            assertEquals(200, huge.status());
            assertEquals(List.of(), huge.readAllEvents(), "past the end: nothing, without overflowing");
        }
        try (RawHttpClient nothingLeft = resume(b, "acme", "c1", original.getLast().id())) {
            assertEquals(200, nothingLeft.status());
            assertEquals(List.of(), nothingLeft.readAllEvents());
        }
        try (RawHttpClient otherTenant = resume(b, "globex", "c1", "0")) {
            assertEquals(204, otherTenant.status(), "another tenant's stream is not there, as with an unknown id");
        }
        try (RawHttpClient unknown = resume(b, "acme", "never-streamed", "0")) {
            assertEquals(204, unknown.status());
        }
    }

    @Test
    void aResumeIntoTrimmedEventsIs410() throws Exception {
        GatewayUnderTest a = node("node-a", "STREAMGATE_RESUME_REDIS_MAX_ENTRIES", "3",
                "STREAMGATE_RESUME_REDIS_FLUSH_MS", "0"); // one entry per flush
        GatewayUnderTest b = node("node-b");
        var live = upstream.live();
        try (RawHttpClient origin = post(a, "acme", "c1")) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            List<SseParser.Event> seen = new ArrayList<>();
            for (int i = 0; i < 8; i++) { // one flush each: eight entries, of which Redis keeps three
                stream.send(delta("t" + i));
                seen.addAll(origin.readUntilContent("t" + i));
            }
            stream.send(DONE);
            stream.end();
            seen.addAll(origin.readAllEvents());
            Await.until("the end is in Redis", () -> mirroredStreams().stream().flatMap(List::stream)
                    .anyMatch(m -> m.getBody().containsKey("end")));
            try (RawHttpClient trimmed = resume(b, "acme", "c1", "0")) {
                assertEquals(410, trimmed.status(), "a gap is refused, never served");
                assertEquals("resume_window_exceeded", code(trimmed));
            }
            String recent = seen.get(seen.size() - 2).id();
            try (RawHttpClient kept = resume(b, "acme", "c1", recent)) {
                assertEquals(200, kept.status());
                assertEquals(List.of(seen.getLast()), kept.readAllEvents());
            }
        }
    }

    @Test
    void redisStoppedMidStreamTheStreamCompletesAndAfterARestartNewStreamsResumeAcrossNodes() throws Exception {
        GatewayUnderTest a = node("node-a");
        GatewayUnderTest b = node("node-b");
        var live = upstream.live();
        try (RawHttpClient origin = post(a, "acme", "c1")) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.send(delta("one"));
            List<SseParser.Event> seen = new ArrayList<>(origin.readUntilContent("one"));
            redis.stop();
            stream.send(delta("two"));
            seen.addAll(origin.readUntilContent("two"));
            try (RawHttpClient refused = resume(b, "acme", "c1", "0")) {
                assertEquals(204, refused.status(), "Redis down: resume is node-local, and B has nothing");
            }
            stream.send(DONE);
            stream.end();
            seen.addAll(origin.readAllEvents());
            StreamingEndToEndTest.assertContract(seen);
            assertEquals("onetwo", Json.string(seen.getLast().data(), "final_message"));
        }
        redis.startAgain();
        for (GatewayUnderTest g : gateways) {
            Await.until("the node sees Redis again", () -> g.gate().redis().health().isUp(), Duration.ofSeconds(20));
        }
        try (RawHttpClient emptied = resume(b, "acme", "c1", "0")) {
            assertEquals(204, emptied.status(), "the restarted Redis kept nothing of it");
        }
        var again = upstream.live();
        try (RawHttpClient origin = post(a, "acme", "c2")) {
            LiveStream stream = again.get(10, TimeUnit.SECONDS);
            stream.send(delta("alpha"));
            List<SseParser.Event> seen = new ArrayList<>(origin.readUntilContent("alpha"));
            try (RawHttpClient follower = resume(b, "acme", "c2", "-1")) {
                assertEquals(200, follower.status());
                List<SseParser.Event> resumed = new ArrayList<>(follower.readUntilContent("alpha"));
                stream.send(delta("beta") + DONE);
                stream.end();
                seen.addAll(origin.readAllEvents());
                resumed.addAll(follower.readAllEvents());
                StreamingEndToEndTest.assertContract(seen);
                assertEquals(seen, resumed);
            }
        }
    }

    @Test
    void aCopyWithAGapRefusesResumesInsteadOfServingIt() throws Exception {
        GatewayUnderTest a = node("node-a");
        GatewayUnderTest b = node("node-b");
        var live = upstream.live();
        try (RawHttpClient origin = post(a, "acme", "c1")) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.send(delta("one"));
            List<SseParser.Event> seen = new ArrayList<>(origin.readUntilContent("one"));
            // Writes stall past the command timeout: A's XADD of the next flush fails, and its copy has a gap.
            assertEquals("+OK", redis.command("CLIENT PAUSE 2500 WRITE"));
            stream.send(delta("two"));
            seen.addAll(origin.readUntilContent("two"));
            Await.until("the gap is marked in Redis", () -> mirroredStreams().stream().flatMap(List::stream)
                    .anyMatch(m -> m.getBody().containsKey("gap")), Duration.ofSeconds(20));
            Await.until("B sees Redis again", () -> b.gate().redis().health().isUp(), Duration.ofSeconds(20));
            try (RawHttpClient refused = resume(b, "acme", "c1", seen.getLast().id())) {
                assertEquals(410, refused.status(), "never a gap served");
            }
            stream.send(DONE);
            stream.end();
            seen.addAll(origin.readAllEvents());
            StreamingEndToEndTest.assertContract(seen);
        }
    }

    @Test
    void aDeadOwnersFollowerGetsARetryableErrorAndThePartialAnswerIsStoredOnce() throws Exception {
        GatewayUnderTest a = node("node-a");
        GatewayUnderTest b = node("node-b");
        GatewayUnderTest c = node("node-c"); // a second reaper: the claim is taken once
        var live = upstream.live();
        // A's own client stays connected throughout: A's stream never ends, as on a node that died.
        try (RawHttpClient origin = post(a, "acme", "c1")) {
            diesWhileFollowed(a, b, c, origin, live.get(10, TimeUnit.SECONDS));
            Await.until("the partial answer is stored", () -> history(c).contains("\"status\":\"partial\""),
                    Duration.ofSeconds(20));
            String history = history(c);
            assertEquals(1, count(history, "\"role\":\"assistant\""), "stored once across nodes: " + history);
            assertTrue(history.contains("\"content\":\"Once upon\""), history);
            assertTrue(history.contains("pondering"), history);
            assertTrue(history.contains("stream_owner_lost"), history);
        }
    }

    private void diesWhileFollowed(GatewayUnderTest a, GatewayUnderTest b, GatewayUnderTest c, RawHttpClient origin,
            LiveStream stream) throws Exception {
        stream.send(thinking("pondering"));
        stream.send(delta("Once upon"));
        List<SseParser.Event> seen = new ArrayList<>(origin.readUntilContent("Once upon"));
        try (RawHttpClient follower = resume(b, "acme", "c1", "-1")) {
            assertEquals(200, follower.status());
            List<SseParser.Event> followed = new ArrayList<>(follower.readUntilContent("Once upon"));
            // A dies as far as the other nodes can tell: its link to Redis goes, its stream is never ended there.
            a.gate().redis().close();
            followed.addAll(follower.readAllEvents());
            assertEquals(seen, followed.subList(0, seen.size()), "what A sent, byte for byte");
            SseParser.Event error = followed.getLast();
            assertEquals(seen.size() + 1, followed.size(), "then exactly one more event: the error");
            assertEquals("error", Json.string(error.data(), "type"));
            assertEquals("stream_owner_lost", Json.string(error.data(), "code"));
            assertEquals(Boolean.TRUE, Json.bool(error.data(), "retryable"));
            assertEquals(String.valueOf(seen.size()), error.id(), "the next contiguous id");
            assertTrue(follower.bodyEnded(), "and the response ends");

            try (RawHttpClient later = resume(c, "acme", "c1", String.valueOf(seen.size() - 1))) {
                assertEquals(List.of(error), later.readAllEvents(), "a later resume sees the same end");
            }
        }
    }

    private String history(GatewayUnderTest g) {
        try (RawHttpClient r = RawHttpClient.connect(g.port())
                .send("GET", "/api/v1/conversations/c1", null, "Authorization", "Bearer key-acme").readHead()) {
            return r.readBody();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
