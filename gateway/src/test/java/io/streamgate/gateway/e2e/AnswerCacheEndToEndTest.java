package io.streamgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The answer cache on the conversation API: what is answered from it, what never is, and how entries go. */
class AnswerCacheEndToEndTest extends UpstreamAndGateway {

    private static final String KEYS = "acme:key-acme,globex:key-globex";

    /** An OpenAI stream whose deltas are {@code pieces}, ending with {@code stop}. */
    static String answer(String... pieces) {
        StringBuilder sse = new StringBuilder();
        for (String piece : pieces) {
            sse.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":")
                    .append(StreamingEndToEndTest.jsonString(piece)).append("},\"finish_reason\":null}]}\n\n");
        }
        return sse.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\ndata: [DONE]\n\n").toString();
    }

    private List<SseParser.Event> ask(String tenant, String conversation, String body, String... headers)
            throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer key-" + tenant;
        System.arraycopy(headers, 0, all, 2, headers.length);
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                .send("POST", "/api/v1/conversations/" + conversation + "/stream", body, all)
                .readHead()) {
            assertEquals(200, r.status());
            List<SseParser.Event> events = r.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            return events;
        }
    }

    private static String complete(List<SseParser.Event> events) {
        return events.getLast().data();
    }

    private void start(String... settings) {
        String[] all = new String[settings.length + 4];
        all[0] = "STREAMGATE_API_KEYS";
        all[1] = KEYS;
        all[2] = "STREAMGATE_CACHE";
        all[3] = "exact";
        System.arraycopy(settings, 0, all, 4, settings.length);
        gateway = GatewayUnderTest.start(upstream.baseUrl(), all);
    }

    @Test
    void theSameQuestionAgainIsAnsweredFromTheCacheWithoutCallingTheProvider() throws Exception {
        upstream.always(TestUpstream.Reply.sse(answer("Paris ", "is the ", "capital.")));
        start();
        List<SseParser.Event> first = ask("acme", "c1", GatewayUnderTest.message("capital of France?"));
        assertFalse(Json.bool(complete(first), "cached"));
        assertEquals(1, upstream.requests().size());

        List<SseParser.Event> second = ask("acme", "c2", GatewayUnderTest.message("capital of France?"));
        assertEquals(1, upstream.requests().size(), "a hit never reaches the provider");
        assertTrue(Json.bool(complete(second), "cached"));
        assertEquals("Paris is the capital.", Json.string(complete(second), "final_message"));
        assertEquals(3, Json.number(complete(second), "total_tokens"), "the stored answer's usage");
        assertEquals(1, gateway.metric("cache_lookups_total{result=\"exact_hit\"}"));
        assertEquals(1, gateway.metric("cache_lookups_total{result=\"miss\"}"));

        // The hit is stored in its conversation like any answer, so a follow-up has it as history.
        try (RawHttpClient history = RawHttpClient.connect(gateway.port())
                .send("GET", "/api/v1/conversations/c2", null, "Authorization", "Bearer key-acme").readHead()) {
            assertTrue(history.readBody().contains("Paris is the capital."));
        }
    }

    @Test
    void anotherTenantsQuestionIsNeverAnsweredFromThisOnesEntries() throws Exception {
        upstream.always(TestUpstream.Reply.sse(answer("yes")));
        start();
        ask("acme", "a1", GatewayUnderTest.message("is it safe?"));
        List<SseParser.Event> other = ask("globex", "g1", GatewayUnderTest.message("is it safe?"));
        assertFalse(Json.bool(complete(other), "cached"));
        assertEquals(2, upstream.requests().size());
    }

    @Test
    void whatDecidesTheAnswerIsPartOfTheKey() throws Exception {
        upstream.always(TestUpstream.Reply.sse(answer("42")));
        start();
        ask("acme", "k1", "{\"message\":\"the answer?\"}");
        ask("acme", "k2", "{\"message\":\"the answer?\",\"system\":\"be terse\"}");
        ask("acme", "k3", "{\"message\":\"the answer?\",\"temperature\":0.2}");
        ask("acme", "k4", "{\"message\":\"the answer?\",\"max_tokens\":5}");
        ask("acme", "k5", "{\"message\":\"the answer?\",\"tools\":[\"calculator\"]}");
        assertEquals(5, upstream.requests().size(), "each differs in something the answer depends on");
        // A follow-up in the same conversation has history: another key too.
        ask("acme", "k1", "{\"message\":\"the answer?\"}");
        assertEquals(6, upstream.requests().size());
        assertTrue(Json.bool(complete(ask("acme", "k6", "{\"message\":\"the answer?\"}")), "cached"));
    }

    @Test
    void aTurnThatCalledToolsIsNotCached() throws Exception {
        String toolCall = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"calculator\",\"arguments\":"
                + "\"{\\\"expression\\\":\\\"2+2\\\"}\"}}]},\"finish_reason\":null}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n";
        upstream.script(r -> TestUpstream.Reply.sse(r.body().contains("\"role\":\"tool\"") ? answer("4") : toolCall));
        start();
        String body = "{\"message\":\"what is 2+2?\",\"tools\":[\"calculator\"]}";
        ask("acme", "t1", body);
        assertEquals(2, upstream.requests().size());
        List<SseParser.Event> again = ask("acme", "t2", body);
        assertEquals(4, upstream.requests().size(), "the tool turn ran again");
        assertFalse(Json.bool(complete(again), "cached"));
        assertEquals(0, gateway.metric("cache_stores_total"));
    }

    @Test
    void aRequestMayOptOut() throws Exception {
        upstream.always(TestUpstream.Reply.sse(answer("fresh")));
        start();
        String body = GatewayUnderTest.message("news?");
        ask("acme", "o1", "{\"message\":\"news?\",\"cache\":false}"); // neither looked up nor stored
        ask("acme", "o2", body, "Cache-Control", "no-store"); // looked up (miss), not stored
        assertEquals(2, upstream.requests().size());
        ask("acme", "o3", body, "Cache-Control", "no-cache"); // not looked up, stored
        assertEquals(3, upstream.requests().size());
        assertTrue(Json.bool(complete(ask("acme", "o4", body)), "cached"));
        assertFalse(Json.bool(complete(ask("acme", "o5", body, "Cache-Control", "no-cache")), "cached"));
        assertEquals(4, upstream.requests().size());
    }

    @Test
    void aFailedOrCutAnswerIsNotCached() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        upstream.script(r -> calls.getAndIncrement() == 0
                ? TestUpstream.Reply.sse("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"half\"}}]}\n\n")
                : TestUpstream.Reply.sse(answer("whole")));
        start();
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                .send("POST", "/api/v1/conversations/f1/stream", GatewayUnderTest.message("q?"),
                        "Authorization", "Bearer key-acme").readHead()) {
            assertEquals("error", Json.string(r.readAllEvents().getLast().data(), "type"));
        }
        List<SseParser.Event> second = ask("acme", "f2", GatewayUnderTest.message("q?"));
        assertFalse(Json.bool(complete(second), "cached"));
        assertEquals("whole", Json.string(complete(second), "final_message"));
    }

    @Test
    void anEntryExpiresAfterItsTtl() throws Exception {
        upstream.always(TestUpstream.Reply.sse(answer("soon stale")));
        start("STREAMGATE_CACHE_TTL_MS", "1000");
        ask("acme", "e1", GatewayUnderTest.message("ttl?"));
        assertTrue(Json.bool(complete(ask("acme", "e2", GatewayUnderTest.message("ttl?"))), "cached"));
        Await.until("the entry expired", () -> gateway.metric("cache_entries{kind=\"exact\"}") == 0);
        assertFalse(Json.bool(complete(ask("acme", "e3", GatewayUnderTest.message("ttl?"))), "cached"));
        assertEquals(2, upstream.requests().size());
    }

    @Test
    void theMemoryBoundEvicts() throws Exception {
        String big = "x".repeat(300_000); // about 600 KB each: two do not fit in 1 MB
        upstream.script(r -> TestUpstream.Reply.sse(answer(big)));
        start("STREAMGATE_CACHE_MAX_MB", "1", "STREAMGATE_CACHE_MAX_ENTRY_KB", "1024");
        ask("acme", "m1", GatewayUnderTest.message("first?"));
        ask("acme", "m2", GatewayUnderTest.message("second?"));
        assertTrue(gateway.metric("cache_bytes{kind=\"exact\"}") <= 1 << 20);
        assertEquals(1, gateway.metric("cache_entries{kind=\"exact\"}"));
        // Caffeine chooses which of the two stays (by frequency, then recency): exactly one is answered from it.
        boolean first = Json.bool(complete(ask("acme", "m3", GatewayUnderTest.message("first?"))), "cached");
        boolean second = Json.bool(complete(ask("acme", "m4", GatewayUnderTest.message("second?"))), "cached");
        assertTrue(first != second, "exactly one answer was kept");
        assertEquals(3, upstream.requests().size());
    }
}
