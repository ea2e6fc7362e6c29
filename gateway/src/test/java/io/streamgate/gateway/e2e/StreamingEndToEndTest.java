package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.Fixtures;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets: a client, the gateway, and a provider replaying recorded streams. */
class StreamingEndToEndTest {

    static final String RECORDED_TEXT = "I'm unable to provide real-time updates, including current weather information."
            + " For the latest weather in San Francisco, I recommend checking a reliable weather website or app such"
            + " as the Weather Channel, BBC Weather, or a local San Francisco news station.";

    private final TestUpstream upstream = new TestUpstream();
    private final GatewayUnderTest gateway = GatewayUnderTest.start(upstream.baseUrl());

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void recordedOpenAiStreamArrivesAsTheEventContract() throws Exception {
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
        try (RawHttpClient client = gateway.stream("c1", message("weather in SF?"))) {
            assertEquals(200, client.status());
            assertEquals("text/event-stream", client.header("content-type"));
            assertEquals("no-cache", client.header("cache-control"));
            assertEquals("no", client.header("x-accel-buffering"));
            assertEquals("chunked", client.header("transfer-encoding"));
            assertEquals(null, client.header("content-encoding"));
            List<SseParser.Event> events = client.readAllEvents();
            assertContract(events);
            String complete = events.getLast().data();
            assertEquals("complete_state", Json.string(complete, "type"));
            assertEquals(RECORDED_TEXT, Json.string(complete, "final_message"));
            assertEquals(47, Json.number(complete, "total_tokens"), "completion tokens from the provider's usage");
            assertEquals(14, Json.number(complete, "prompt_tokens"));
            assertEquals("stop", Json.string(complete, "finish_reason"));
            assertEquals(Boolean.FALSE, Json.bool(complete, "cached"));
            assertTrue(Json.decimal(complete, "elapsed_time") >= 0);
        }
        String sent = upstream.requests().getFirst().body();
        assertTrue(sent.contains("\"stream\":true"), sent);
        assertTrue(sent.contains("\"include_usage\":true"), sent);
        assertTrue(sent.contains("weather in SF?"), sent);
    }

    @Test
    void streamSplitIntoSingleByteReadsGivesTheSameAnswer() throws Exception {
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), true));
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            List<SseParser.Event> events = client.readAllEvents();
            assertContract(events);
            assertEquals(RECORDED_TEXT, Json.string(events.getLast().data(), "final_message"));
        }
    }

    @Test
    void textWithLineBreaksQuotesAndNonAsciiSurvivesByteForByte() throws Exception {
        List<String> deltas = List.of("Line one\r\n", "line \"two\"\n", "\rcafé naïve ", "😀 \\ ", "日本語", "\u2028end");
        StringBuilder body = new StringBuilder();
        for (String d : deltas) {
            body.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":")
                    .append(jsonString(d)).append("},\"finish_reason\":null}]}\n\n");
        }
        body.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        upstream.always(Reply.sse(body.toString()));
        try (RawHttpClient client = gateway.stream("c1", message("tricky"))) {
            List<SseParser.Event> events = client.readAllEvents();
            assertContract(events);
            assertEquals(String.join("", deltas), Json.string(events.getLast().data(), "final_message"));
        }
    }

    @Test
    void messagesEndpointAnswersWithOneJsonDocument() throws Exception {
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
        try (RawHttpClient client = RawHttpClient.connect(gateway.port())
                .send("POST", "/api/v1/conversations/c9/messages", message("hi"))
                .readHead()) {
            assertEquals(200, client.status());
            assertEquals("application/json", client.header("content-type"));
            String body = client.readBody();
            assertEquals(RECORDED_TEXT, Json.string(body, "message"));
            assertEquals("c9", Json.string(body, "conversation_id"));
            assertEquals("stop", Json.string(body, "finish_reason"));
            assertEquals(47, Json.number(body, "total_tokens"));
        }
    }

    @Test
    void keepAliveConnectionServesStreamsOneAfterAnother() throws Exception {
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
        try (RawHttpClient client = RawHttpClient.connect(gateway.port())) {
            for (int i = 0; i < 3; i++) {
                client.send("POST", "/api/v1/conversations/c1/stream", message("again")).readHead();
                assertEquals(200, client.status());
                List<SseParser.Event> events = client.readAllEvents();
                assertContract(events);
            }
        }
    }

    /** The invariants every successful stream keeps. */
    static void assertContract(List<SseParser.Event> events) {
        assertFalse(events.isEmpty());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(String.valueOf(i), events.get(i).id(), "id equals sequence, contiguous from 0");
            assertEquals(i, Json.number(events.get(i).data(), "sequence"));
            assertTrue(Json.has(events.get(i).data(), "timestamp"));
        }
        List<String> chunks = events.stream()
                .filter(e -> "message_chunk".equals(Json.string(e.data(), "type")))
                .map(SseParser.Event::data)
                .toList();
        String last = events.getLast().data();
        assertEquals("complete_state", Json.string(last, "type"), "a successful stream ends with complete_state");
        assertEquals(1, events.stream().filter(e -> {
            String t = Json.string(e.data(), "type");
            return t.equals("complete_state") || t.equals("error");
        }).count(), "exactly one terminal event");
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i == chunks.size() - 1, Json.bool(chunks.get(i), "is_final"), "is_final only on the last chunk");
        }
        String joined = chunks.stream().map(c -> Json.string(c, "content")).collect(Collectors.joining());
        assertEquals(Json.string(last, "final_message"), joined, "chunks concatenate to final_message");
        assertEquals(chunks.size(), Json.number(last, "total_chunks"));
    }

    static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x2028) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
