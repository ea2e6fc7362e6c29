package io.streamgate.gateway.simulator;

import static io.streamgate.gateway.simulator.TestJson.list;
import static io.streamgate.gateway.simulator.TestJson.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.SseParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Chat Completions stream read the way an OpenAI client reads it: deltas in order, tool calls
 * assembled from their fragments by {@code index}. Checks the framing on the way (one role chunk
 * first, the finish chunk, the usage chunk and {@code [DONE]} last).
 *
 * @param role the first chunk's delta
 * @param reasoning the {@code reasoning_content} pieces, in order
 * @param contents the {@code content} pieces after the role chunk, in order
 * @param calls the tool calls by index
 * @param order the kinds of delta in stream order: "reasoning", "content", "tool_call"
 * @param finishReason the finish chunk's reason
 * @param usage the usage chunk's {@code usage}
 */
record OpenAiStream(Map<String, Object> role, List<String> reasoning, List<String> contents,
                    Map<Long, ToolCall> calls, List<String> order, String finishReason, Map<String, Object> usage) {

    /**
     * One assembled tool call.
     *
     * @param firstDelta the call's first fragment, which carries id, type and name
     * @param fragments how many argument fragments followed the first
     */
    record ToolCall(String id, String type, String name, String arguments, Map<String, Object> firstDelta, int fragments) {}

    static OpenAiStream parse(String body) {
        List<SseParser.Event> events = SseParser.parse(body);
        assertTrue(events.size() >= 4, "role, finish, usage and [DONE] at least: " + body);
        assertEquals("[DONE]", events.getLast().data(), "[DONE] comes last");
        Map<String, Object> role = delta(events.getFirst());
        assertEquals("assistant", role.get("role"));
        List<String> reasoning = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        List<String> order = new ArrayList<>();
        Map<Long, ToolCall> calls = new TreeMap<>();
        for (SseParser.Event e : events.subList(1, events.size() - 3)) {
            Map<String, Object> choice = map(list(TestJson.object(e.data()).get("choices")).getFirst());
            assertNull(choice.get("finish_reason"));
            Map<String, Object> delta = map(choice.get("delta"));
            assertEquals(1, delta.size(), "one kind of delta per chunk: " + delta);
            if (delta.get("reasoning_content") instanceof String r) {
                reasoning.add(r);
                order.add("reasoning");
            } else if (delta.get("content") instanceof String c) {
                contents.add(c);
                order.add("content");
            } else {
                List<Object> toolCalls = list(delta.get("tool_calls"));
                assertEquals(1, toolCalls.size(), "one fragment per chunk, as OpenAI streams them");
                add(calls, map(toolCalls.getFirst()));
                order.add("tool_call");
            }
        }
        Map<String, Object> finish = map(list(TestJson.object(events.get(events.size() - 3).data()).get("choices")).getFirst());
        assertEquals(Map.of(), finish.get("delta"));
        Map<String, Object> usageChunk = TestJson.object(events.get(events.size() - 2).data());
        assertEquals(List.of(), usageChunk.get("choices"));
        return new OpenAiStream(role, reasoning, contents, calls, order, (String) finish.get("finish_reason"),
                map(usageChunk.get("usage")));
    }

    String text() {
        return String.join("", contents);
    }

    private static void add(Map<Long, ToolCall> calls, Map<String, Object> fragment) {
        Long index = (Long) fragment.get("index");
        assertNotNull(index, "every tool-call fragment has an index");
        Map<String, Object> function = map(fragment.get("function"));
        String arguments = (String) function.get("arguments");
        ToolCall open = calls.get(index);
        if (open == null) {
            calls.put(index, new ToolCall((String) fragment.get("id"), (String) fragment.get("type"),
                    (String) function.get("name"), arguments, fragment, 0));
        } else {
            assertNull(fragment.get("id"), "only the first fragment carries the id");
            calls.put(index, new ToolCall(open.id(), open.type(), open.name(), open.arguments() + arguments,
                    open.firstDelta(), open.fragments() + 1));
        }
    }

    private static Map<String, Object> delta(SseParser.Event e) {
        return map(map(list(TestJson.object(e.data()).get("choices")).getFirst()).get("delta"));
    }
}
