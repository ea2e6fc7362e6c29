package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatedStore;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What keeps memory and the store bounded: journal budget, follower cap, store queue, paged history. */
class BoundsEndToEndTest extends UpstreamAndGateway {

    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private static String delta(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    private RawHttpClient get(String path, String... headers) throws Exception {
        return RawHttpClient.connect(gateway.port()).send("GET", path, null, headers).readHead();
    }

    private static void assertError(RawHttpClient r, int status, String code) throws Exception {
        assertEquals(status, r.status());
        String body = r.readBody();
        assertEquals(code, Json.string(Json.raw(body, "error"), "code"), body);
    }

    /** Reads events until their text holds {@code marker}; returns them. */
    private static List<SseParser.Event> readUntil(RawHttpClient client, String marker) throws Exception {
        List<SseParser.Event> seen = new ArrayList<>();
        while (seen.stream().noneMatch(e -> e.data() != null && e.data().contains(marker))) {
            List<SseParser.Event> more = client.readEvents();
            assertFalse(more.isEmpty(), "the stream ended before " + marker);
            seen.addAll(more);
        }
        return seen;
    }

    /** Sends about {@code kib} KiB of text in 32 KiB deltas, then a marker; the client reads up to the marker. */
    private static List<SseParser.Event> pour(LiveStream stream, RawHttpClient client, int kib, String marker)
            throws Exception {
        String block = "x".repeat(32 * 1024);
        for (int i = 0; i < kib / 32; i++) {
            stream.send(delta(block));
        }
        stream.send(delta(marker));
        return readUntil(client, marker);
    }

    @Test
    void theGlobalResumeBudgetTrimsTheOldestLiveStreamAndAResumeIntoItIs410() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_RESUME_TOTAL_MB", "1",
                "STREAMGATE_RESUME_BUFFER_BYTES", String.valueOf(4 << 20), "STREAMGATE_COALESCE_MAX_DELAY_MS", "0",
                "STREAMGATE_MAX_ANSWER_CHARS", String.valueOf(8 << 20));
        CompletableFuture<LiveStream> firstCall = upstream.live();
        try (RawHttpClient older = gateway.stream("older", message("hi"))) {
            LiveStream first = firstCall.get(10, TimeUnit.SECONDS);
            List<SseParser.Event> olderSeen = pour(first, older, 640, "older-end");
            try (RawHttpClient resumed = get("/api/v1/conversations/older/stream", "Last-Event-ID", "0")) {
                assertEquals(200, resumed.status(), "within budget, the whole stream is kept");
            }
            CompletableFuture<LiveStream> secondCall = upstream.live();
            try (RawHttpClient newer = gateway.stream("newer", message("hi"))) {
                LiveStream second = secondCall.get(10, TimeUnit.SECONDS);
                pour(second, newer, 640, "newer-end");
                // Both are live: over the 1 MiB budget, the older stream's oldest events go.
                Await.until("the older journal is trimmed", () -> status("older", "0") == 410);
                try (RawHttpClient gone = get("/api/v1/conversations/older/stream", "Last-Event-ID", "0")) {
                    assertError(gone, 410, "resume_window_exceeded");
                }
                try (RawHttpClient recent = get("/api/v1/conversations/older/stream",
                        "Last-Event-ID", olderSeen.get(olderSeen.size() - 2).id())) {
                    assertEquals(200, recent.status(), "its newest events are still kept");
                    assertTrue(readUntil(recent, "older-end").size() >= 1);
                }
                try (RawHttpClient whole = get("/api/v1/conversations/newer/stream", "Last-Event-ID", "0")) {
                    assertEquals(200, whole.status(), "the newer stream is whole");
                }
                second.send(DONE);
                second.end();
                newer.readAllEvents();
            }
            first.send(DONE);
            first.end();
            older.readAllEvents();
        }
    }

    private int status(String id, String lastEventId) {
        try (RawHttpClient r = get("/api/v1/conversations/" + id + "/stream", "Last-Event-ID", lastEventId)) {
            return r.status();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void followersOfOneStreamAreCapped() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_RESUME_MAX_FOLLOWERS", "1");
        var live = upstream.live();
        try (RawHttpClient origin = gateway.stream("c1", message("hi"))) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.send(delta("one"));
            List<SseParser.Event> seen = new ArrayList<>(readUntil(origin, "one"));
            try (RawHttpClient follower = get("/api/v1/conversations/c1/stream", "Last-Event-ID", "0")) {
                assertEquals(200, follower.status());
                try (RawHttpClient extra = get("/api/v1/conversations/c1/stream", "Last-Event-ID", "0")) {
                    assertTrue(Long.parseLong(extra.header("retry-after")) >= 1);
                    assertError(extra, 429, "too_many_followers");
                }
                stream.send(DONE);
                stream.end();
                assertEquals("oneok", Json.string(follower.readAllEvents().getLast().data(), "final_message"));
            }
            seen.addAll(origin.readAllEvents());
            StreamingEndToEndTest.assertContract(seen);
        }
    }

    @Test
    void aFullStoreQueueAnswers503StoreBusyWithRetryAfterAndCountsIt() throws Exception {
        upstream.always(TestUpstream.Reply.sse(DONE));
        GatedStore[] store = new GatedStore[1];
        gateway = GatewayUnderTest.start(upstream.baseUrl(), s -> store[0] = new GatedStore(s),
                "STREAMGATE_API_KEYS", "acme:key-acme", "STREAMGATE_STORE_QUEUE", "1");
        List<RawHttpClient> waiting = new ArrayList<>();
        // The store stalls: the four store threads block on the first claims, then one claim waits in the queue.
        for (int i = 0; i < 5; i++) {
            waiting.add(RawHttpClient.connect(gateway.port()).send("POST",
                    "/api/v1/conversations/new-" + i + "/stream", message("hi"), "Authorization", "Bearer key-acme"));
        }
        Await.until("four claims block the store threads", () -> store[0].waiting() == 4);
        Await.until("one claim is queued", () -> metric("streaming_store_queue_depth") == 1);
        try (RawHttpClient refused = RawHttpClient.connect(gateway.port()).send("POST",
                "/api/v1/conversations/new-5/stream", message("hi"), "Authorization", "Bearer key-acme").readHead()) {
            assertTrue(Long.parseLong(refused.header("retry-after")) >= 1);
            assertError(refused, 503, "store_busy");
        }
        try (RawHttpClient refused = RawHttpClient.connect(gateway.port()).send("GET",
                "/api/v1/conversations/new-0", null, "Authorization", "Bearer key-acme").readHead()) {
            assertError(refused, 503, "store_busy");
        }
        assertEquals(2, metric("streaming_store_busy_total"));
        store[0].open();
        for (RawHttpClient c : waiting) {
            try (c) {
                assertEquals(200, c.readHead().status(), "admitted work goes through once the store frees up");
                StreamingEndToEndTest.assertContract(c.readAllEvents());
            }
        }
        assertEquals(5, upstream.requests().size(), "refused requests never reached the provider");
    }

    private double metric(String name) {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.gate().metricsPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void historyIsPagedWithLimitAndBefore() throws Exception {
        upstream.always(TestUpstream.Reply.sse(DONE));
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        for (int i = 1; i <= 3; i++) {
            try (RawHttpClient r = gateway.stream("c1", message("q" + i))) {
                r.readAllEvents();
            }
        }
        Await.until("three turns are stored", () -> seqs(body("/api/v1/conversations/c1?limit=500")).size() == 6);
        String newest = body("/api/v1/conversations/c1?limit=4");
        assertEquals(List.of(3L, 4L, 5L, 6L), seqs(newest));
        assertEquals(Boolean.TRUE, Json.bool(newest, "has_more"));
        assertEquals(3, Json.number(newest, "next_before"));
        String older = body("/api/v1/conversations/c1?limit=4&before=3");
        assertEquals(List.of(1L, 2L), seqs(older));
        assertEquals(Boolean.FALSE, Json.bool(older, "has_more"));
        assertFalse(Json.has(older, "next_before"));
        assertTrue(older.contains("\"q1\""), older);
        assertEquals(6, seqs(body("/api/v1/conversations/c1")).size(), "the default page holds them all");
        for (String query : List.of("limit=0", "limit=501", "limit=abc", "before=0", "before=-1", "limit=1&limit=2",
                "before=99999999999999999999")) {
            try (RawHttpClient r = get("/api/v1/conversations/c1?" + query)) {
                assertError(r, 400, "bad_request");
            }
        }
    }

    @Test
    void historyReadsCountAgainstTheTenantsRequestRate() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_TENANT_REQUESTS_PER_MINUTE", "3");
        for (int i = 0; i < 3; i++) {
            try (RawHttpClient r = get("/api/v1/conversations/c1")) {
                assertError(r, 404, "not_found");
            }
        }
        try (RawHttpClient r = get("/api/v1/conversations/c1")) {
            assertTrue(Long.parseLong(r.header("retry-after")) >= 1);
            assertError(r, 429, "rate_limited");
        }
        try (RawHttpClient r = gateway.stream("c1", message("hi"))) {
            assertError(r, 429, "rate_limited");
        }
    }

    private String body(String path) {
        try (RawHttpClient r = get(path)) {
            assertEquals(200, r.status(), path);
            return r.readBody();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<Long> seqs(String json) {
        List<Long> seqs = new ArrayList<>();
        Matcher m = Pattern.compile("\"seq\":(\\d+)").matcher(json);
        while (m.find()) {
            seqs.add(Long.parseLong(m.group(1)));
        }
        return seqs;
    }
}
