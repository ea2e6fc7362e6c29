package io.streamgate.gateway.simulator;

import io.streamgate.gateway.testing.SseParser;

import static io.streamgate.gateway.simulator.TestJson.list;
import static io.streamgate.gateway.simulator.TestJson.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End-to-end tests over real loopback sockets with the JDK's HTTP client: what the gateway's
 * upstream client will see. Zero delays keep them fast; pacing is never asserted on time.
 */
class SimulatorTest {

    /** A configured length that ends a sentence, so the whole of it is streamed. */
    private static final int TOKENS = SimulatedText.wholeSentences(25);
    private static final String BODY = """
            {"model":"sim-test","messages":[{"role":"system","content":"Be brief."},
             {"role":"user","content":"Tell me about streaming gateways"}]%s}""";
    /** Words over both messages: 2 + 5. */
    private static final int PROMPT_WORDS = 7;

    @RegisterExtension
    static final RunningSimulator running = new RunningSimulator(TOKENS);

    @Test
    void baseUrlIsLoopbackV1() {
        assertTrue(running.simulator().baseUrl().matches("http://127\\.0\\.0\\.1:\\d+/v1"), running.simulator().baseUrl());
    }

    @Test
    void streamConcatenatesToTheWholeAnswer() throws Exception {
        HttpResponse<String> res = post(SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":true"));
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        Stream s = Stream.of(res.body());

        assertEquals(TOKENS, s.contents.size());
        assertEquals(wholeAnswerContent(""), String.join("", s.contents));
        assertEquals("stop", s.finishReason);
        assertEquals(List.of((long) PROMPT_WORDS, (long) TOKENS, (long) PROMPT_WORDS + TOKENS), s.usage);
    }

    @Test
    void chunksHaveOpenAiShape() throws Exception {
        List<SseParser.Event> events = SseParser.parse(post(SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":true")).body());
        Map<String, Object> first = TestJson.object(events.getFirst().data());
        assertTrue(((String) first.get("id")).startsWith("chatcmpl-sim-"));
        assertEquals("chat.completion.chunk", first.get("object"));
        assertEquals("sim-test", first.get("model"));
        assertTrue(first.get("created") instanceof Long);
        Map<String, Object> choice = map(list(first.get("choices")).getFirst());
        assertEquals(0L, choice.get("index"));
        assertEquals("assistant", map(choice.get("delta")).get("role"));
        assertEquals("", map(choice.get("delta")).get("content"));
        assertTrue(choice.containsKey("finish_reason"));
        assertNull(choice.get("finish_reason"));
        for (SseParser.Event e : events.subList(0, events.size() - 1)) {
            assertEquals(first.get("id"), TestJson.object(e.data()).get("id"), "one id per completion");
        }
        assertEquals("[DONE]", events.getLast().data());
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() throws Exception {
        Stream s = Stream.of(post(SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":true,\"max_tokens\":5")).body());
        assertEquals(5, s.contents.size());
        assertEquals("length", s.finishReason);
        assertEquals(5L, s.usage.get(1));
        assertEquals(wholeAnswerContent(",\"max_tokens\":5"), String.join("", s.contents));

        Map<String, Object> whole = TestJson.object(post(SimulatorHandler.COMPLETIONS_PATH, body(",\"max_tokens\":5")).body());
        assertEquals("length", map(list(whole.get("choices")).getFirst()).get("finish_reason"));
    }

    @Test
    void maxTokensAboveTheConfiguredLengthChangesNothing() throws Exception {
        Stream s = Stream.of(post(SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":true,\"max_completion_tokens\":1000")).body());
        assertEquals(TOKENS, s.contents.size());
        assertEquals("stop", s.finishReason);
    }

    @Test
    void wholeAnswerIsOneChatCompletion() throws Exception {
        HttpResponse<String> res = post(SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":false"));
        assertEquals(200, res.statusCode());
        assertEquals("application/json", res.headers().firstValue("content-type").orElseThrow());
        Map<String, Object> doc = TestJson.object(res.body());
        assertEquals("chat.completion", doc.get("object"));
        Map<String, Object> choice = map(list(doc.get("choices")).getFirst());
        assertEquals("assistant", map(choice.get("message")).get("role"));
        assertEquals("stop", choice.get("finish_reason"));
        assertEquals((long) TOKENS, map(doc.get("usage")).get("completion_tokens"));
        assertEquals((long) PROMPT_WORDS, map(doc.get("usage")).get("prompt_tokens"));
    }

    @Test
    void answersAreDeterministicAndSaySoTheyAreSimulated() throws Exception {
        String a = wholeAnswerContent("");
        String b = String.join("", Stream.of(post(SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":true")).body()).contents);
        assertEquals(a, b);
        assertEquals(a, wholeAnswerContent(""));
        assertTrue(a.startsWith("(simulated) "), a);
    }

    @Test
    void theDefaultAnswerEndsOnAWholeSentenceAndAnAnswerCutShortSaysLength() throws Exception {
        SimulatorSettings defaults = SimulatorSettings.defaults();
        try (Simulator sim = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, defaults.tokens(), 0))) {
            Stream s = Stream.of(send(sim, SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":true")).body());
            String text = String.join("", s.contents);
            assertTrue(text.endsWith("."), text);
            assertEquals("stop", s.finishReason);
        }
        try (Simulator tiny = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, 5, 0))) {
            Stream s = Stream.of(send(tiny, SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":true")).body());
            assertEquals(5, s.contents.size(), "no whole sentence fits in 5 tokens: the 5 are sent");
            assertEquals("length", s.finishReason, "and the answer says it was cut short");
        }
    }

    @Test
    void longAnswersCycleTheTextWithEscapingAndNonAscii() throws Exception {
        int tokens = SimulatedText.wholeSentences(500); // a few cycles, ending on a whole sentence
        try (Simulator big = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, tokens, 0))) {
            Stream s = Stream.of(send(big, SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":true")).body());
            assertEquals(tokens, s.contents.size());
            String text = String.join("", s.contents);
            assertEquals(SimulatedText.text(tokens), text);
            assertTrue(text.contains("\""), "has a quote to escape");
            assertTrue(text.contains("naïve") && text.contains("café"), "has non-ASCII words");
            assertTrue(text.indexOf("(simulated)", 1) > 0, "cycles the paragraph");
            assertTrue(s.contents.stream().skip(1).allMatch(c -> c.startsWith(" ") && !c.startsWith("  ")),
                    "every later token has exactly one leading space");
            assertTrue(!text.contains("  "), "no doubled spaces where the paragraph wraps around");
        }
    }

    @Test
    void pacedAnswersComplete() throws Exception {
        SimulatorSettings paced = new SimulatorSettings(Duration.ofMillis(2), Duration.ofMillis(1), 10, 0);
        try (Simulator slow = Simulator.start(paced)) {
            Stream s = Stream.of(send(slow, SimulatorHandler.COMPLETIONS_PATH, body(",\"stream\":true")).body());
            assertEquals(SimulatedText.text(10), String.join("", s.contents));
            Map<String, Object> whole = TestJson.object(send(slow, SimulatorHandler.COMPLETIONS_PATH, body("")).body());
            assertEquals(SimulatedText.text(10), map(map(list(whole.get("choices")).getFirst()).get("message")).get("content"));
        }
    }

    @Test
    void unknownPathIs404Json() throws Exception {
        HttpResponse<String> res = post("/v1/completions", body(""));
        assertEquals(404, res.statusCode());
        assertEquals("invalid_request_error", map(TestJson.object(res.body()).get("error")).get("type"));
        HttpResponse<String> get = running.http().send(HttpRequest.newBuilder(URI.create(running.simulator().baseUrl() + "/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, get.statusCode());
    }

    @Test
    void getOnCompletionsIs405() throws Exception {
        HttpResponse<String> res = running.http().send(HttpRequest.newBuilder(URI.create(running.simulator().baseUrl() + "/chat/completions")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, res.statusCode());
    }

    @Test
    void badRequestsAre400Json() throws Exception {
        for (String bad : List.of("{not json", "[]", "{}", "{\"messages\":{}}", "{\"messages\":[],\"stream\":\"yes\"}",
                "{\"messages\":[],\"max_tokens\":0}", "{\"messages\":[]} {}", "")) {
            HttpResponse<String> res = post(SimulatorHandler.COMPLETIONS_PATH, bad);
            assertEquals(400, res.statusCode(), bad);
            Map<String, Object> error = map(TestJson.object(res.body()).get("error"));
            assertEquals("invalid_request_error", error.get("type"), bad);
            assertTrue(error.get("message") instanceof String m && !m.isEmpty(), bad);
        }
    }

    @Test
    void contentPartsAndMissingModelAreAccepted() throws Exception {
        String parts = """
                {"messages":[{"role":"user","content":[{"type":"text","text":"one two"},{"type":"image_url","image_url":{"url":"x"}}]}],
                 "stream":true,"temperature":0.2,"tools":[{"type":"function"}]}""";
        List<SseParser.Event> events = SseParser.parse(post(SimulatorHandler.COMPLETIONS_PATH, parts).body());
        assertEquals(SimRequest.DEFAULT_MODEL, TestJson.object(events.getFirst().data()).get("model"));
        assertEquals(2L, map(TestJson.object(events.get(events.size() - 2).data()).get("usage")).get("prompt_tokens"));
    }

    @Test
    void oversizedBodyIsRefused() throws Exception {
        String huge = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(Simulator.MAX_REQUEST_BYTES) + "\"}]}";
        assertEquals(413, post(SimulatorHandler.COMPLETIONS_PATH, huge).statusCode());
    }

    /** What a stream's events say, checked for order: role, tokens, finish, usage, [DONE]. */
    private record Stream(List<String> contents, String finishReason, List<Long> usage) {

        static Stream of(String body) {
            List<SseParser.Event> events = SseParser.parse(body);
            assertTrue(events.size() >= 4, "role, finish, usage and [DONE] at least");
            assertEquals("[DONE]", events.getLast().data(), "[DONE] comes last");
            Map<String, Object> role = delta(events.getFirst());
            assertEquals(Map.of("role", "assistant", "content", ""), withoutNulls(role));
            List<String> contents = new ArrayList<>();
            for (SseParser.Event e : events.subList(1, events.size() - 3)) {
                Map<String, Object> choice = map(list(TestJson.object(e.data()).get("choices")).getFirst());
                assertNull(choice.get("finish_reason"));
                contents.add((String) map(choice.get("delta")).get("content"));
            }
            Map<String, Object> finish = map(list(TestJson.object(events.get(events.size() - 3).data()).get("choices")).getFirst());
            assertEquals(Map.of(), finish.get("delta"));
            Map<String, Object> usageChunk = TestJson.object(events.get(events.size() - 2).data());
            assertEquals(List.of(), usageChunk.get("choices"));
            Map<String, Object> usage = map(usageChunk.get("usage"));
            return new Stream(contents, (String) finish.get("finish_reason"),
                    List.of((Long) usage.get("prompt_tokens"), (Long) usage.get("completion_tokens"), (Long) usage.get("total_tokens")));
        }

        private static Map<String, Object> delta(SseParser.Event e) {
            return map(map(list(TestJson.object(e.data()).get("choices")).getFirst()).get("delta"));
        }

        private static Map<String, Object> withoutNulls(Map<String, Object> m) {
            Map<String, Object> copy = new java.util.HashMap<>(m);
            copy.values().removeIf(java.util.Objects::isNull);
            return copy;
        }
    }

    private static String body(String extra) {
        return BODY.formatted(extra);
    }

    private static String wholeAnswerContent(String extra) throws IOException, InterruptedException {
        Map<String, Object> doc = TestJson.object(post(SimulatorHandler.COMPLETIONS_PATH, body(extra)).body());
        return (String) map(map(list(doc.get("choices")).getFirst()).get("message")).get("content");
    }

    private static HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(running.simulator(), path, json);
    }

    private static HttpResponse<String> send(Simulator target, String path, String json)
            throws IOException, InterruptedException {
        return running.post(target, path, json);
    }
}
