package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import io.streamgate.llm.anthropic.AnthropicStreams;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent loop end to end: tool calls from real recordings and the simulator, history across restarts. */
class AgentLoopEndToEndTest {

    private final TestUpstream upstream = new TestUpstream();

    @AfterEach
    void stop() {
        upstream.close();
    }

    private static List<String> types(List<SseParser.Event> events) {
        return events.stream().map(e -> Json.string(e.data(), "type")).toList();
    }

    private static List<String> of(List<SseParser.Event> events, String type) {
        return events.stream().map(SseParser.Event::data).filter(d -> type.equals(Json.string(d, "type"))).toList();
    }

    @Test
    void openAiParallelToolCallsAreRunAndTheResultsGoBackToTheModel() throws Exception {
        upstream.script(r -> r.body().contains("\"role\":\"tool\"")
                ? new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false)
                : new Reply.Sse(Fixtures.bytes("openai-chat-parallel-tools.sse"), false));
        try (GatewayUnderTest gateway = GatewayUnderTest.start(upstream.baseUrl());
                RawHttpClient client = gateway.stream("loop", message("weather and stocks?"))) {
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            List<String> calls = of(events, "tool_call");
            assertEquals(2, calls.size());
            assertEquals("GetWeatherArgs", Json.string(calls.get(0), "tool_name"));
            assertEquals("get_stock_price", Json.string(calls.get(1), "tool_name"));
            assertEquals("{\"ticker\":\"AAPL\",\"exchange\":\"NASDAQ\"}",
                    Json.raw(calls.get(1), "tool_input").replace(" ", ""));
            List<String> results = of(events, "tool_result");
            assertEquals(2, results.size(), "one result per call");
            assertEquals(Json.string(calls.get(0), "tool_call_id"), Json.string(results.get(0), "tool_call_id"));
            assertEquals(Boolean.TRUE, Json.bool(results.get(0), "is_error"), "the gateway has no such tool");
            assertEquals(StreamingEndToEndTest.RECORDED_TEXT, Json.string(events.getLast().data(), "final_message"));
        }
        assertEquals(2, upstream.requests().size());
        String second = upstream.requests().get(1).body();
        assertTrue(second.contains("\"tool_calls\""), "the assistant's calls are sent back: " + second);
        assertTrue(second.contains("\"tool_call_id\":\"call_lQnnsesjFMWMQ5IeWPHzR4th\""), second);
    }

    @Test
    void anthropicToolUseRunsAnHttpToolAndCarriesCacheUsage(@TempDir Path dir) throws Exception {
        HttpServer weather = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        weather.createContext("/weather", exchange -> {
            byte[] body = "{\"temp_c\":18,\"sky\":\"clear\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        weather.start();
        Path tools = dir.resolve("tools.json");
        Files.writeString(tools, "[{\"name\":\"get_weather\",\"description\":\"Weather for a place\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}},"
                + "\"url\":\"http://127.0.0.1:" + weather.getAddress().getPort() + "/weather\"}]");
        upstream.script(r -> r.body().contains("\"tool_result\"")
                ? new Reply.Sse(Fixtures.bytes("anthropic-messages-text.sse"), false)
                : new Reply.Sse(Fixtures.bytes("anthropic-messages-tool-use.sse"), false));
        try (GatewayUnderTest gateway = GatewayUnderTest.start(upstream.baseUrl(),
                "STREAMGATE_UPSTREAM_KIND", "anthropic", "STREAMGATE_MODEL", "claude-sonnet-4-20250514",
                "STREAMGATE_HTTP_TOOLS_FILE", tools.toString(), "STREAMGATE_TOOL_ALLOWED_HOSTS", "127.0.0.1");
                RawHttpClient client = gateway.stream("paris",
                        "{\"message\":\"Weather in Paris?\",\"tools\":[\"get_weather\"]}")) {
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            String call = of(events, "tool_call").getFirst();
            assertEquals("get_weather", Json.string(call, "tool_name"));
            assertTrue(Json.raw(call, "tool_input").contains("Paris"));
            String result = of(events, "tool_result").getFirst();
            assertEquals(Boolean.FALSE, Json.bool(result, "is_error"));
            assertEquals("{\"temp_c\":18,\"sky\":\"clear\"}", Json.raw(result, "result"));
            String complete = events.getLast().data();
            assertEquals("I'll check the current weather in Paris for you.Hello there!",
                    Json.string(complete, "final_message"));
            assertTrue(Json.has(complete, "cache_read_input_tokens"), "cache usage is passed through: " + complete);
            assertEquals("stop", Json.string(complete, "finish_reason"), "Anthropic end_turn is the neutral stop");
        } finally {
            weather.stop(0);
        }
        String first = upstream.requests().get(0).body();
        assertTrue(first.contains("\"cache_control\""), "prompt caching marks the tool definitions: " + first);
        String second = upstream.requests().get(1).body();
        assertTrue(second.contains("\"tool_use_id\""), second);
    }

    /**
     * With extended thinking on, Anthropic answers 400 to a tool loop's next request whose assistant turn does not
     * start with the signed thinking block, unchanged. The scripted upstream holds the gateway to exactly that.
     */
    @Test
    void anthropicThinkingThatLedToAToolCallGoesBackSignedWithIt() throws Exception {
        String signedBlock = "{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"thinking\",\"thinking\":\"" + AnthropicStreams.THINKING + "\","
                + "\"signature\":\"" + AnthropicStreams.SIGNATURE + "\"},"
                + "{\"type\":\"redacted_thinking\",\"data\":\"" + AnthropicStreams.REDACTED_DATA + "\"},"
                + "{\"type\":\"text\",\"text\":\"Let me check.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_t1\",\"name\":\"current_time\",\"input\":{}}]}";
        upstream.script(r -> !r.body().contains("\"tool_result\"")
                ? new Reply.Sse(AnthropicStreams.bytes(AnthropicStreams.THINKING_THEN_TOOL_USE), false)
                : r.body().contains(signedBlock)
                        ? new Reply.Sse(Fixtures.bytes("anthropic-messages-text.sse"), false)
                        : new Reply.Status(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                                + "\"message\":\"messages.1.content.0.type: Expected `thinking` or `redacted_thinking`\"}}",
                                "Content-Type", "application/json"));
        try (GatewayUnderTest gateway = GatewayUnderTest.start(upstream.baseUrl(),
                "STREAMGATE_UPSTREAM_KIND", "anthropic", "STREAMGATE_MODEL", "claude-sonnet-4-20250514",
                "STREAMGATE_ANTHROPIC_THINKING_BUDGET", "1024");
                RawHttpClient client = gateway.stream("think", "{\"message\":\"What time is it?\",\"tools\":[\"current_time\"]}")) {
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            assertEquals(List.of("The user wants the time; ", "I will ask the clock."),
                    of(events, "thinking").stream().map(d -> Json.string(d, "content")).toList(),
                    "the client gets the thinking as it streams, and only once");
            assertEquals(Boolean.FALSE, Json.bool(of(events, "tool_result").getFirst(), "is_error"));
            assertEquals("complete_state", Json.string(events.getLast().data(), "type"), types(events).toString());
            assertEquals("Let me check.Hello there!", Json.string(events.getLast().data(), "final_message"));
        }
        assertEquals(2, upstream.requests().size());
        assertTrue(upstream.requests().get(1).body().contains(signedBlock), upstream.requests().get(1).body());
    }

    @Test
    void simulatorCallsCurrentTimeAndAnswersWithTheResult() throws Exception {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(null,
                "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "0");
                RawHttpClient client = gateway.stream("sim", message("What time is it?"))) {
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            assertEquals("current_time", Json.string(of(events, "tool_call").getFirst(), "tool_name"));
            String result = of(events, "tool_result").getFirst();
            assertEquals(Boolean.FALSE, Json.bool(result, "is_error"));
            assertTrue(Json.raw(result, "result").contains("iso_time"));
            String answer = Json.string(events.getLast().data(), "final_message");
            assertTrue(answer.contains("(simulated)") && answer.contains("UTC"), answer);
        }
    }

    @Test
    void reachingMaxStepsEndsTheTurnWithItsReason() throws Exception {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(null, "STREAMGATE_MAX_STEPS", "1",
                "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "0");
                RawHttpClient client = gateway.stream("sim", message("What time is it?"))) {
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            assertFalse(types(events).contains("tool_result"), "no tool runs once the step budget is spent");
            assertEquals("max_steps", Json.string(events.getLast().data(), "finish_reason"));
        }
    }

    @Test
    void reasoningDeltasBecomeThinkingEventsBeforeTheAnswer() throws Exception {
        try (GatewayUnderTest gateway = GatewayUnderTest.start(null,
                "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "0");
                RawHttpClient client = gateway.stream("sim", message("think about streaming"))) {
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            List<String> types = types(events);
            assertTrue(types.contains("thinking"), types.toString());
            assertTrue(types.indexOf("thinking") < types.indexOf("message_chunk"));
        }
    }

    @Test
    void historySurvivesARestartAndReachesTheProvider(@TempDir Path data) throws Exception {
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
        try (GatewayUnderTest first = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_DATA_DIR", data.toString());
                RawHttpClient client = first.stream("memory", message("first question"))) {
            StreamingEndToEndTest.assertContract(client.readAllEvents());
            Await.until("the answer is stored", () -> history(first, "memory").contains("\"status\":\"complete\""));
        }
        try (GatewayUnderTest second = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_DATA_DIR", data.toString())) {
            String stored = history(second, "memory");
            assertTrue(stored.contains("first question"), stored);
            assertTrue(stored.contains("weather in San Francisco"), stored);
            try (RawHttpClient client = second.stream("memory", message("second question"))) {
                StreamingEndToEndTest.assertContract(client.readAllEvents());
            }
            String sent = upstream.requests().getLast().body();
            assertTrue(sent.contains("first question") && sent.contains("weather in San Francisco")
                    && sent.contains("second question"), "the provider gets the earlier turn as context: " + sent);
            try (RawHttpClient r = RawHttpClient.connect(second.port())
                    .send("GET", "/api/v1/conversations/never-seen", null).readHead()) {
                assertEquals(404, r.status());
            }
        }
    }

    private static String history(GatewayUnderTest gateway, String id) {
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                .send("GET", "/api/v1/conversations/" + id, null).readHead()) {
            return r.status() == 200 ? r.readBody() : "";
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
