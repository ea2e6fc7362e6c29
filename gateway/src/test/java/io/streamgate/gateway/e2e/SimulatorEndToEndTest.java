package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code make run} gives a new user: no upstream configured, so the built-in simulator answers. */
class SimulatorEndToEndTest {

    @Test
    void withNoUpstreamTheSimulatorAnswersAndThePageSaysSo() throws Exception {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(null,
                "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "0",
                "STREAMGATE_SIM_TOKENS", "41")) { // 41 tokens end the simulated paragraph's second sentence
            try (RawHttpClient client = gateway.stream("demo", message("hello"))) {
                List<SseParser.Event> events = client.readAllEvents();
                StreamingEndToEndTest.assertContract(events);
                String complete = events.getLast().data();
                assertEquals(41, Json.number(complete, "total_tokens"));
                assertTrue(Json.string(complete, "final_message").contains("simulated"));
            }
            HttpClient http = HttpClient.newHttpClient();
            var health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(Boolean.TRUE, Json.bool(health.body(), "simulated"));
            var page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
            assertTrue(page.body().contains("/api/v1/conversations/"));
            var metrics = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + gateway.gate().metricsPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String name : List.of("streaming_first_byte_latency_ms_bucket", "streaming_chunks_total",
                    "streaming_active_connections", "streaming_completions_total{status=\"success\"} 1",
                    "streaming_memory_mb", "streaming_first_token_latency_ms_bucket{le=\"0.05\"}",
                    "streaming_gateway_added_latency_ms_bucket{le=\"0.25\"}", "upstream_requests_total")) {
                assertTrue(metrics.body().contains(name), name + " in\n" + metrics.body());
            }
            assertTrue(metrics.body().lines().anyMatch(l -> l.startsWith("upstream_requests_total{")
                    && l.contains("provider=\"simulator\"") && l.contains("outcome=\"success\"") && l.endsWith(" 1.0")),
                    "the built-in simulator is reported as such:\n" + metrics.body());
            assertFalse(metrics.body().contains("provider=\"openai\""), metrics.body());
        }
    }

    @Test
    void theHistoryKeepsTheThinkingAndTheFiguresOfAnAnswer() throws Exception {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(null,
                "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "0")) {
            String complete;
            try (RawHttpClient client = gateway.stream("think", message("Think first: what time is it?"))) {
                complete = client.readAllEvents().getLast().data();
            }
            // The turn is stored after its stream ended, off the event loop.
            Await.until("the answer is stored", () -> history(gateway).contains("\"stats\""));
            List<String> messages = Json.elements(Json.raw(history(gateway), "messages"));
            String step = messages.stream().filter(m -> Json.has(m, "tool_calls")).findFirst().orElseThrow();
            assertTrue(Json.string(step, "thinking").contains("Let me think"), step);
            assertFalse(Json.has(step, "stats"), "a step that called tools has no figures: " + step);
            String answer = messages.getLast();
            assertEquals("assistant", Json.string(answer, "role"));
            String stats = Json.raw(answer, "stats");
            assertEquals(Json.number(complete, "total_tokens"), Json.number(stats, "total_tokens"), stats);
            assertEquals(Json.number(complete, "total_chunks"), Json.number(stats, "total_chunks"), stats);
            assertTrue(Json.number(stats, "first_token_ms") >= 0, stats);
        }
    }

    private static String history(GatewayUnderTest gateway) {
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                .send("GET", "/api/v1/conversations/think", null).readHead()) {
            return r.status() == 200 ? r.readBody() : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
