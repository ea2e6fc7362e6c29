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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Semantic matches with the real embedding model: a paraphrase is answered from the cache, a near-miss is not. */
class SemanticCacheEndToEndTest extends UpstreamAndGateway {

    private static final String ANSWER = "Open Settings, then Security, then Reset password.";

    @BeforeEach
    void start() {
        upstream.always(TestUpstream.Reply.sse(AnswerCacheEndToEndTest.answer("Open Settings, ", "then Security, ",
                "then Reset password.")));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", "acme:key-acme,globex:key-globex",
                "STREAMGATE_CACHE", "semantic",
                // What is tested is the match, not its speed: a loaded test machine must not skip the lookup.
                "STREAMGATE_CACHE_SEMANTIC_BUDGET_MS", "5000");
    }

    private String ask(String tenant, String conversation, String body) throws Exception {
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                .send("POST", "/api/v1/conversations/" + conversation + "/stream", body,
                        "Authorization", "Bearer key-" + tenant)
                .readHead()) {
            assertEquals(200, r.status());
            List<SseParser.Event> events = r.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            return events.getLast().data();
        }
    }

    /** Asks the first question and waits until its answer is in this node's semantic index. */
    private void answered(String question) throws Exception {
        assertFalse(Json.bool(ask("acme", "first", GatewayUnderTest.message(question)), "cached"));
        Await.until("the question is indexed", () -> gateway.metric("cache_entries{kind=\"semantic\"}") == 1);
    }

    @Test
    void aParaphraseIsAnsweredFromTheCache() throws Exception {
        answered("How do I reset my password?");
        String complete = ask("acme", "second", GatewayUnderTest.message("how can I reset my password"));
        assertTrue(Json.bool(complete, "cached"));
        assertEquals(ANSWER, Json.string(complete, "final_message"));
        assertEquals(1, upstream.requests().size(), "the provider answered once");
        assertEquals(1, gateway.metric("cache_lookups_total{result=\"semantic_hit\"}"));
    }

    @Test
    void aNearMissIsNotAHit() throws Exception {
        answered("How do I reset my password?");
        assertFalse(Json.bool(ask("acme", "second", GatewayUnderTest.message("How do I reset my username?")), "cached"));
        assertEquals(2, upstream.requests().size());
        assertEquals(0, gateway.metric("cache_lookups_total{result=\"semantic_hit\"}"));
    }

    @Test
    void aParaphraseFromAnotherTenantOrWithAnotherSystemPromptIsNotAHit() throws Exception {
        answered("How do I reset my password?");
        assertFalse(Json.bool(ask("globex", "g", GatewayUnderTest.message("how can I reset my password")), "cached"));
        assertFalse(Json.bool(ask("acme", "s",
                "{\"message\":\"how can I reset my password\",\"system\":\"answer in French\"}"), "cached"));
        assertEquals(3, upstream.requests().size());
    }

    @Test
    void aQuestionTooLongToEmbedSkipsTheSemanticLookupButStillHitsExactly() throws Exception {
        String longQuestion = "why " + "and how ".repeat(70) + "does it work?"; // over 500 characters
        assertFalse(Json.bool(ask("acme", "l1", GatewayUnderTest.message(longQuestion)), "cached"));
        assertEquals(1, gateway.metric("cache_lookups_total{result=\"skipped\"}"));
        assertEquals(0, gateway.metric("cache_entries{kind=\"semantic\"}"), "not indexed");
        assertTrue(Json.bool(ask("acme", "l2", GatewayUnderTest.message(longQuestion)), "cached"));
        assertEquals(1, gateway.metric("cache_lookups_total{result=\"exact_hit\"}"));
    }
}
