package io.streamgate.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.SseEvents;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamEvent.Completed;
import io.streamgate.llm.UpstreamEvent.TextDelta;
import io.streamgate.llm.UpstreamEvent.ThinkingDelta;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import io.streamgate.llm.Usage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The delta shapes of the OpenAI-compatible servers that the recorded fixtures do not cover. */
class OpenAiChunkParserTest {

    private final RecordingSink sink = new RecordingSink();
    private final OpenAiChunkParser parser = new OpenAiChunkParser(sink);

    private void feed(String... payloads) throws IOException {
        for (String payload : payloads) {
            assertTrue(onData(parser, payload), () -> "stopped at " + payload);
        }
    }

    /** One {@code data:} payload, as the Netty transport hands it over: a view of its UTF-8 bytes. */
    private static boolean onData(OpenAiChunkParser parser, String payload) throws IOException {
        return parser.onEvent(SseEvents.utf8(null, payload));
    }

    private static String delta(String deltaJson) {
        return "{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":" + deltaJson + ",\"finish_reason\":null}]}";
    }

    @Test
    void reasoningAndReasoningContentBecomeThinking() throws IOException {
        feed(delta("{\"reasoning\":\"Let me think\"}"),
                delta("{\"reasoning_content\":\" harder\",\"reasoning\":\" harder\",\"content\":null}"),
                delta("{\"content\":\"Answer\"}"));
        assertFalse(onData(parser, "[DONE]"));

        assertEquals(List.of(
                new ThinkingDelta("Let me think"),
                new ThinkingDelta(" harder"),
                new TextDelta("Answer"),
                new Completed("stop", Usage.NONE)), sink.events());
    }

    @Test
    void emptyAndNullContentPublishNothing() throws IOException {
        feed(delta("{\"role\":\"assistant\",\"content\":\"\"}"), delta("{\"content\":null,\"refusal\":null}"), delta("{}"));

        assertTrue(sink.events().isEmpty(), () -> "events: " + sink.events());
    }

    @Test
    void ollamaWholeToolCallsWithoutIndexAreSeparateCalls() throws IOException {
        feed(delta("{\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}"),
                delta("{\"tool_calls\":[{\"id\":\"call_b\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_time\",\"arguments\":{\"tz\":\"CET\",\"n\":[1,2]}}}]}"),
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");

        assertEquals(List.of(
                new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_b", "get_time", "{\"tz\":\"CET\",\"n\":[1,2]}")), sink.events());
    }

    @Test
    void olderOllamaWholeToolCallsAllAtIndexZeroStaySeparate() throws IOException {
        feed(delta("{\"tool_calls\":[{\"id\":\"call_x1\",\"index\":0,\"type\":\"function\","
                        + "\"function\":{\"name\":\"a\",\"arguments\":\"{\\\"n\\\":1}\"}},"
                        + "{\"id\":\"call_x2\",\"index\":0,\"type\":\"function\","
                        + "\"function\":{\"name\":\"b\",\"arguments\":\"{\\\"n\\\":2}\"}}]}"));
        assertFalse(onData(parser, "[DONE]"));

        assertEquals(List.of(
                new ToolCall("call_x1", "a", "{\"n\":1}"),
                new ToolCall("call_x2", "b", "{\"n\":2}"),
                new Completed("stop", Usage.NONE)), sink.events());
    }

    @Test
    void toolCallsWithoutFinishReasonAreEmittedAtDoneBeforeCompleted() throws IOException {
        feed(delta("{\"tool_calls\":[{\"index\":1,\"id\":\"call_1\",\"function\":{\"name\":\"second\",\"arguments\":\"\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_0\",\"function\":{\"name\":\"first\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"a\\\":\"}}]}"),
                delta("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"1}\"}}]}"));
        assertTrue(sink.events().isEmpty(), "calls must wait until complete");

        assertFalse(onData(parser, "[DONE]"));

        assertEquals(List.of(
                new ToolCall("call_0", "first", "{}"),
                new ToolCall("call_1", "second", "{\"a\":1}"),
                new Completed("stop", Usage.NONE)), sink.events());
    }

    @Test
    void finishReasonBeforeDeltaStillJoinsTheLastFragment() throws IOException {
        feed(delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_0\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\"\"}}]}"),
                "{\"choices\":[{\"finish_reason\":\"tool_calls\",\"index\":0,"
                        + "\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\":2}\"}}]}}]}");

        assertEquals(List.of(new ToolCall("call_0", "f", "{\"x\":2}")), sink.events());
    }

    @Test
    void usageWithCachedTokensFromFinalChunkWithoutChoices() throws IOException {
        feed(delta("{\"content\":\"Hi\"}"),
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":null}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,\"total_tokens\":2306,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}");
        assertFalse(onData(parser, "[DONE]"));

        assertEquals(new Completed("length", new Usage(2006, 300, Usage.UNKNOWN, 1920)), sink.events().getLast());
    }

    @Test
    void onlyTheFirstChoiceIsRead() throws IOException {
        feed("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,\"delta\":{\"content\":\"b\"}}]}");

        assertEquals("a", sink.text());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"} | RATE_LIMITED | true",
        "{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"} | OVERLOADED | true",
        "{\"message\":\"oops\",\"type\":\"server_error\",\"code\":null} | UPSTREAM_ERROR | true",
        "{\"message\":\"bad\",\"type\":\"BadRequestError\",\"code\":400} | BAD_REQUEST | false",
        "{\"message\":\"nope\",\"type\":\"invalid_request_error\"} | UPSTREAM_ERROR | false",
        "\"model crashed\" | UPSTREAM_ERROR | false",
    })
    void inStreamErrorEndsTheStreamWithOneFailure(String errorJson, ErrorCode code, boolean retryable) throws IOException {
        feed(delta("{\"content\":\"partial\"}"));

        assertFalse(onData(parser, "{\"error\":" + errorJson + "}"));

        UpstreamEvent last = sink.events().getLast();
        UpstreamError error = ((UpstreamEvent.Failed) last).error();
        assertEquals(code, error.code());
        assertEquals(retryable, error.retryable());
        assertTrue(error.message().startsWith("upstream reported an error: "), error.message());
        assertEquals(2, sink.events().size());
    }

    @Test
    void malformedPayloadsThrow() {
        assertThrows(JsonProcessingException.class, () -> onData(parser, "{\"choices\":[{\"delta\":"));
        assertThrows(JsonProcessingException.class, () -> onData(parser, "[1,2]"));
        assertThrows(JsonProcessingException.class, () -> onData(parser, "not json"));
    }

    @Test
    void refusalStopsParsingWithoutCompleted() throws IOException {
        RecordingSink refusing = RecordingSink.refusingAfter(1);
        OpenAiChunkParser refusedParser = new OpenAiChunkParser(refusing);

        assertTrue(onData(refusedParser, delta("{\"content\":\"a\"}")));
        assertFalse(onData(refusedParser, delta("{\"content\":\"b\"}")));
        assertEquals(List.of(new TextDelta("a")), refusing.events());
    }
}
