package io.streamgate.gateway.simulator;

import static io.streamgate.gateway.simulator.TestJson.list;
import static io.streamgate.gateway.simulator.TestJson.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.SseParser;
import io.streamgate.llm.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator's demo tool calls, tool-result answers and reasoning deltas, over real sockets,
 * read the way an OpenAI client reads them ({@link OpenAiStream}): fragments joined by index.
 */
class SimulatorToolsTest {

    /** The first sentence: a configured length that ends one, so plain answers finish with {@code stop}. */
    private static final int TOKENS = SimulatedText.wholeSentences(13);
    private static final String BOTH_TOOLS = """
            [{"type":"function","function":{"name":"current_time","description":"now",
              "parameters":{"type":"object","properties":{"timezone":{"type":"string"}}}}},
             {"type":"function","function":{"name":"calculator","description":"math",
              "parameters":{"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}}}]""";

    @RegisterExtension
    static final RunningSimulator running = new RunningSimulator(TOKENS);

    @Test
    void timeQuestionCallsCurrentTimeInFragments() throws Exception {
        OpenAiStream s = stream(userAsks("What time is it?", BOTH_TOOLS));

        assertEquals("tool_calls", s.finishReason());
        assertEquals(1, s.calls().size());
        OpenAiStream.ToolCall call = s.calls().get(0L);
        assertTrue(call.id().matches("call_sim_\\d+"), call.id());
        assertEquals("function", call.type());
        assertEquals("current_time", call.name());
        assertEquals(Map.of("timezone", "UTC"), TestJson.object(call.arguments()));
        assertEquals("", map(call.firstDelta().get("function")).get("arguments"), "the first fragment opens with empty arguments");
        assertTrue(call.fragments() >= 2 && call.fragments() <= 3, "arguments in 2-3 fragments, was " + call.fragments());
        assertTrue(s.contents().isEmpty(), "no text alongside the call");
        assertTrue(s.role().containsKey("content") && s.role().get("content") == null,
                "content is null in the role chunk of a tool-calling answer, as OpenAI sends it");
        assertEquals((long) s.order().size(), s.usage().get("completion_tokens"));
    }

    @Test
    void aNamedIanaZoneIsPassedToCurrentTime() throws Exception {
        OpenAiStream s = stream(userAsks("What's the time in Europe/Paris?", BOTH_TOOLS));
        assertEquals(Map.of("timezone", "Europe/Paris"), TestJson.object(s.calls().get(0L).arguments()));
    }

    @Test
    void arithmeticCallsCalculatorWithTheExpression() throws Exception {
        OpenAiStream s = stream(userAsks("How much is 2 + 3 * 4?", BOTH_TOOLS));
        assertEquals(1, s.calls().size());
        assertEquals("calculator", s.calls().get(0L).name());
        assertEquals(Map.of("expression", "2 + 3 * 4"), TestJson.object(s.calls().get(0L).arguments()));

        OpenAiStream parens = stream(userAsks("compute (1.5+2)^2 please", BOTH_TOOLS));
        assertEquals(Map.of("expression", "(1.5+2)^2"), TestJson.object(parens.calls().get(0L).arguments()));
    }

    @Test
    void timeAndArithmeticCallBothToolsInParallel() throws Exception {
        OpenAiStream s = stream(userAsks("What time is it, and what is 6 * 7?", BOTH_TOOLS));
        assertEquals("tool_calls", s.finishReason());
        assertEquals(List.of(0L, 1L), List.copyOf(s.calls().keySet()));
        assertEquals("current_time", s.calls().get(0L).name());
        assertEquals("calculator", s.calls().get(1L).name());
        assertEquals(Map.of("expression", "6 * 7"), TestJson.object(s.calls().get(1L).arguments()));
        assertNotEquals(s.calls().get(0L).id(), s.calls().get(1L).id(), "every call has its own id");
    }

    @Test
    void onlyOfferedToolsAreCalled() throws Exception {
        String calculatorOnly = """
                [{"type":"function","function":{"name":"calculator"}}]""";
        OpenAiStream timeWithoutClock = stream(userAsks("What time is it?", calculatorOnly));
        assertEquals("stop", timeWithoutClock.finishReason());
        assertTrue(timeWithoutClock.calls().isEmpty());
        assertEquals(SimulatedText.text(TOKENS), timeWithoutClock.text());

        OpenAiStream noTools = stream("""
                {"stream":true,"messages":[{"role":"user","content":"What time is it? 2+2"}]}""");
        assertTrue(noTools.calls().isEmpty());
        assertEquals(SimulatedText.text(TOKENS), noTools.text());
    }

    @Test
    void toolCallChunksHaveTheRecordedOpenAiShape() throws Exception {
        List<SseParser.Event> recorded = SseParser.parse(new String(
                Fixtures.bytes("openai-chat-parallel-tools.sse"), StandardCharsets.UTF_8));
        List<SseParser.Event> ours = SseParser.parse(post(userAsks("What time is it, and 1+1?", BOTH_TOOLS)));
        assertEquals(shapes(recorded), shapes(ours));
    }

    @Test
    void toolResultsAreAnsweredInText() throws Exception {
        OpenAiStream s = stream(afterTools(BOTH_TOOLS,
                call("call_a", "current_time", "{\\\"timezone\\\":\\\"UTC\\\"}"),
                call("call_b", "calculator", "{\\\"expression\\\":\\\"2 + 3 * 4\\\"}"),
                result("call_a", "{\\\"timezone\\\":\\\"UTC\\\",\\\"iso_time\\\":\\\"2026-03-01T12:00:00Z\\\",\\\"unix_seconds\\\":1772366400}"),
                result("call_b", "{\\\"expression\\\":\\\"2 + 3 * 4\\\",\\\"result\\\":14}")));
        assertEquals("stop", s.finishReason());
        assertTrue(s.calls().isEmpty());
        assertEquals("(simulated) The current time in UTC is 2026-03-01T12:00:00Z. 2 + 3 * 4 = 14.", s.text());
        assertTrue(s.contents().size() > 5, "paced word by word like any answer, was " + s.contents());
        assertEquals("", s.role().get("content"));
    }

    @Test
    void aFailedToolIsReportedAsFailed() throws Exception {
        OpenAiStream s = stream(afterTools(BOTH_TOOLS,
                call("call_x", "calculator", "{\\\"expression\\\":\\\"1/0\\\"}"),
                result("call_x", "{\\\"error\\\":\\\"division by zero\\\"}")));
        assertEquals("(simulated) The calculator tool failed: division by zero.", s.text());
    }

    @Test
    void aNewUserTurnAfterToolsIsAnsweredNormally() throws Exception {
        String body = """
                {"stream":true,"tools":%s,"messages":[
                 {"role":"user","content":"What time is it?"},
                 {"role":"assistant","content":null,"tool_calls":[%s]},
                 %s,
                 {"role":"assistant","content":"It is noon."},
                 {"role":"user","content":"Thanks!"}]}""".formatted(BOTH_TOOLS,
                call("call_c", "current_time", "{}"), result("call_c", "{\\\"iso_time\\\":\\\"x\\\"}"));
        OpenAiStream s = stream(body);
        assertEquals("stop", s.finishReason());
        assertEquals(SimulatedText.text(TOKENS), s.text());
    }

    @Test
    void thinkStreamsReasoningBeforeTheAnswer() throws Exception {
        OpenAiStream s = stream(userAsks("Think about gateways", BOTH_TOOLS));
        int pieces = s.reasoning().size();
        assertTrue(pieces >= 3 && pieces <= 5, "3-5 reasoning pieces, was " + pieces);
        assertEquals(List.of("reasoning", "content"), new ArrayList<>(new LinkedHashSet<>(s.order())),
                "all reasoning comes before the text: " + s.order());
        assertEquals(SimulatedText.text(TOKENS), s.text());
        assertEquals((long) (pieces + TOKENS), s.usage().get("completion_tokens"));

        OpenAiStream thenTool = stream(userAsks("think: what time is it?", BOTH_TOOLS));
        assertEquals(pieces, thenTool.reasoning().size());
        assertEquals("reasoning", thenTool.order().getFirst());
        assertEquals("current_time", thenTool.calls().get(0L).name());
    }

    @Test
    void wholeAnswerCarriesTheJoinedToolCalls() throws Exception {
        String body = userAsks("What time is it, and 6*7?", BOTH_TOOLS).replace("\"stream\":true", "\"stream\":false");
        Map<String, Object> choice = map(list(TestJson.object(post(body)).get("choices")).getFirst());
        assertEquals("tool_calls", choice.get("finish_reason"));
        Map<String, Object> message = map(choice.get("message"));
        assertTrue(message.containsKey("content") && message.get("content") == null);
        List<Object> calls = list(message.get("tool_calls"));
        assertEquals(2, calls.size());
        Map<String, Object> second = map(calls.get(1));
        assertEquals("function", second.get("type"));
        assertEquals("calculator", map(second.get("function")).get("name"));
        assertEquals(Map.of("expression", "6*7"), TestJson.object((String) map(second.get("function")).get("arguments")));
    }

    @Test
    void argumentFragmentsRejoinExactly() {
        for (String args : List.of("", "{}", "{\"timezone\":\"UTC\"}", "{\"e\":\"\uD83D\uDE00\"}")) {
            List<String> pieces = AnswerPlanner.fragments(args);
            assertEquals(args, String.join("", pieces));
            assertTrue(pieces.size() <= 3 && pieces.stream().noneMatch(String::isEmpty), pieces.toString());
            for (String p : pieces) {
                assertTrue(!Character.isHighSurrogate(p.charAt(p.length() - 1)), "no surrogate pair is split: " + pieces);
            }
        }
    }

    /** The key structure of each tool-call chunk (ids, names and arguments differ, fields and nesting must not). */
    private static List<String> shapes(List<SseParser.Event> events) {
        List<String> shapes = new ArrayList<>();
        String last = null;
        for (SseParser.Event e : events) {
            if (!e.data().contains("\"tool_calls\"")) {
                continue;
            }
            Map<String, Object> chunk = TestJson.object(e.data());
            chunk.remove("system_fingerprint"); // OpenAI's backend build; the simulator has none
            String shape = shape(chunk);
            if (!shape.equals(last)) {
                shapes.add(shape);
            }
            last = shape;
        }
        return shapes;
    }

    private static String shape(Object json) {
        if (json instanceof Map<?, ?> m) {
            Map<String, String> inner = new TreeMap<>();
            m.forEach((k, v) -> inner.put((String) k, shape(v)));
            return inner.toString();
        }
        if (json instanceof List<?> l) {
            return l.isEmpty() ? "[]" : "[" + shape(l.getFirst()) + "]";
        }
        return json == null ? "null" : json.getClass().getSimpleName();
    }

    private static String userAsks(String text, String tools) {
        return """
                {"model":"sim-test","stream":true,"tools":%s,"messages":[{"role":"user","content":"%s"}]}"""
                .formatted(tools, text);
    }

    /** A conversation that asked for {@code calls} and got {@code results}: the tool round's second request. */
    private static String afterTools(String tools, String... callsThenResults) {
        List<String> calls = new ArrayList<>();
        List<String> results = new ArrayList<>();
        for (String part : callsThenResults) {
            (part.contains("\"role\":\"tool\"") ? results : calls).add(part);
        }
        return """
                {"stream":true,"tools":%s,"messages":[
                 {"role":"user","content":"What time is it and what is 2 + 3 * 4?"},
                 {"role":"assistant","content":null,"tool_calls":[%s]},
                 %s]}""".formatted(tools, String.join(",", calls), String.join(",", results));
    }

    /** An assistant message's tool call; {@code arguments} is already escaped for a JSON string. */
    private static String call(String id, String name, String arguments) {
        return """
                {"id":"%s","type":"function","function":{"name":"%s","arguments":"%s"}}""".formatted(id, name, arguments);
    }

    /** A tool message; {@code content} is already escaped for a JSON string. */
    private static String result(String callId, String content) {
        return """
                {"role":"tool","tool_call_id":"%s","content":"%s"}""".formatted(callId, content);
    }

    private static OpenAiStream stream(String body) throws IOException, InterruptedException {
        return OpenAiStream.parse(post(body));
    }

    private static String post(String body) throws IOException, InterruptedException {
        var res = running.post(running.simulator(), SimulatorHandler.COMPLETIONS_PATH, body);
        assertEquals(200, res.statusCode(), res.body());
        return res.body();
    }
}
