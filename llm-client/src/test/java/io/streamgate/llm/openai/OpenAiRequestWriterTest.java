package io.streamgate.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ToolSpec;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request body's tool shapes; the plain shape is checked end to end in {@link OpenAiProviderTest}. */
class OpenAiRequestWriterTest {

    private static final ToolSpec WEATHER = new ToolSpec(
            "get_weather", "Current weather for a city", "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}");

    private static String write(List<ChatMessage> messages, List<ToolSpec> tools) {
        return new String(
                OpenAiRequestWriter.write(new ChatRequest("m", messages, null, null, tools), null), StandardCharsets.UTF_8);
    }

    @Test
    void toolsAreFunctionsWithTheSchemaAsAnObject() {
        String body = write(List.of(ChatMessage.user("weather?")), List.of(WEATHER));

        assertEquals(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"description\":\"Current weather for a city\",\"parameters\":"
                        + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}],"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                body);
    }

    @Test
    void noToolsWritesNoToolsField() {
        assertFalse(write(List.of(ChatMessage.user("hi")), List.of()).contains("tools"));
    }

    @Test
    void assistantToolCallsHaveNullContentWhenEmptyAndArgumentsAsAString() {
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}");

        String body = write(List.of(ChatMessage.assistant("", List.of(call))), List.of());

        assertTrue(body.contains(
                "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]}"),
                body);
    }

    @Test
    void assistantToolCallsKeepTheirText() {
        ToolCall first = new ToolCall("call_1", "a", "{}");
        ToolCall second = new ToolCall("call_2", "b", "{\"x\":1}");

        String body = write(List.of(ChatMessage.assistant("Let me check.", List.of(first, second))), List.of());

        assertTrue(body.contains(
                "{\"role\":\"assistant\",\"content\":\"Let me check.\",\"tool_calls\":["
                        + "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":\"{}\"}},"
                        + "{\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"b\",\"arguments\":\"{\\\"x\\\":1}\"}}]}"),
                body);
    }

    @Test
    void toolResultIsAToolMessageWithTheResultAsAString() {
        String body = write(List.of(ChatMessage.toolResult("call_1", "get_weather", "{\"temp_c\":21}")), List.of());

        assertTrue(body.contains(
                "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"{\\\"temp_c\\\":21}\"}"), body);
    }

    @Test
    void malformedSchemaIsRejectedNamingTheTool() {
        ToolSpec broken = new ToolSpec("broken", "d", "{\"type\": ");

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> write(List.of(ChatMessage.user("hi")), List.of(broken)));

        assertTrue(e.getMessage().startsWith("tool broken: parametersSchema is malformed JSON"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> write(List.of(ChatMessage.user("hi")), List.of(new ToolSpec("array", "d", "[]"))));
        assertThrows(IllegalArgumentException.class,
                () -> write(List.of(ChatMessage.user("hi")), List.of(new ToolSpec("two", "d", "{} {}"))));
    }
}
