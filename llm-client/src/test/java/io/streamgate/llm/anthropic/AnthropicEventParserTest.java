package io.streamgate.llm.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.SseEvents;
import io.streamgate.llm.UpstreamError;
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

/** Event shapes the recorded fixtures do not cover. */
class AnthropicEventParserTest {

    private final RecordingSink sink = new RecordingSink();
    private final AnthropicEventParser parser = new AnthropicEventParser(sink);

    /** One event, as the Netty transport hands it over: a view of its UTF-8 bytes. */
    private static boolean event(AnthropicEventParser parser, String type, String data) throws IOException {
        return parser.onEvent(SseEvents.utf8(type, data));
    }

    private void feed(String... events) throws IOException {
        for (String event : events) {
            assertTrue(event(parser, null, event), () -> "stopped at " + event);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "end_turn, stop",
        "stop_sequence, stop",
        "tool_use, tool_calls",
        "max_tokens, length",
        "pause_turn, pause_turn",
        "refusal, refusal",
    })
    void stopReasonsMapToNeutralFinishReasons(String stopReason, String finishReason) throws IOException {
        feed("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason + "\"},\"usage\":{\"output_tokens\":3}}");

        assertFalse(event(parser, "message_stop", "{\"type\":\"message_stop\"}"));

        assertEquals(new Completed(finishReason, new Usage(Usage.UNKNOWN, 3, Usage.UNKNOWN, Usage.UNKNOWN)), sink.events().getLast());
        assertTrue(parser.reachedEnd());
    }

    @Test
    void laterUsageCountsReplaceEarlierOnesAndNullsKeepThem() throws IOException {
        feed("{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":7,\"output_tokens\":1}}}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}",
                "{\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"input_tokens\":null,\"output_tokens\":9}}");

        assertFalse(event(parser, null, "{\"type\":\"message_stop\"}"));

        assertEquals(new Completed("stop", new Usage(10, 9, Usage.UNKNOWN, 7)), sink.events().getLast());
    }

    @Test
    void fieldOrderDoesNotMatterAndTheSseNameIsTheFallback() throws IOException {
        feed("{\"content_block\":{\"name\":\"f\",\"id\":\"toolu_9\",\"type\":\"tool_use\",\"input\":{}},\"index\":3,\"type\":\"content_block_start\"}",
                "{\"delta\":{\"partial_json\":\"{\\\"a\\\":\",\"type\":\"input_json_delta\"},\"index\":3,\"type\":\"content_block_delta\"}");
        assertTrue(event(parser, "content_block_delta", "{\"index\":3,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1}\"}}"));
        feed("{\"index\":3,\"type\":\"content_block_stop\"}");

        assertEquals(List.of(new ToolCall("toolu_9", "f", "{\"a\":1}")), sink.events());
    }

    @Test
    void toolUseWithoutInputDeltasHasEmptyObjectArguments() throws IOException {
        feed("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"now\",\"input\":{}}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}");

        assertEquals(List.of(new ToolCall("toolu_1", "now", "{}")), sink.events());
    }

    @Test
    void unsignedThinkingStreamsToTheClientButIsNotKeptForTheProvider() throws IOException {
        feed("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}");

        assertEquals(List.of(new ThinkingDelta("hm")), sink.events());
    }

    @Test
    void aThinkingBlockTooLongToKeepStreamsToTheClientButIsNotKeptForTheProvider() throws IOException {
        String piece = "x".repeat(AnthropicEventParser.MAX_KEPT_THINKING_CHARS / 2);
        String delta = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\""
                + piece + "\"}}";
        feed("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}",
                delta, delta, delta,
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"sig\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}");

        assertEquals(List.of(new ThinkingDelta(piece), new ThinkingDelta(piece), new ThinkingDelta(piece)), sink.events());
    }

    @Test
    void pingsUnknownEventsAndUnknownDeltasPublishNothing() throws IOException {
        feed("{\"type\": \"ping\"}",
                "{\"type\":\"some_future_event\",\"payload\":[1,2,{\"x\":null}]}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{\"cited_text\":\"x\"}}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\"}}");

        assertTrue(sink.events().isEmpty(), () -> "events: " + sink.events());
    }

    @ParameterizedTest
    @CsvSource({
        "overloaded_error, OVERLOADED, true",
        "rate_limit_error, RATE_LIMITED, true",
        "api_error, UPSTREAM_ERROR, true",
        "invalid_request_error, BAD_REQUEST, false",
        "authentication_error, UPSTREAM_ERROR, false",
        "permission_error, UPSTREAM_ERROR, false",
        "not_found_error, UPSTREAM_ERROR, false",
    })
    void errorEventsMapByType(String type, ErrorCode code, boolean retryable) throws IOException {
        feed("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"partial\"}}");

        assertFalse(event(parser, "error", "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"why\"}}"));

        UpstreamError error = sink.awaitFailure();
        assertEquals(code, error.code());
        assertEquals(retryable, error.retryable());
        assertEquals("upstream reported an error: why", error.message());
        assertEquals(List.of(new TextDelta("partial")), sink.events().subList(0, 1));
        assertFalse(parser.reachedEnd());
    }

    @Test
    void malformedEventDataThrows() {
        assertThrows(JsonProcessingException.class, () -> event(parser, "content_block_delta", "{\"type\":\"content_block_delta\","));
        assertThrows(JsonProcessingException.class, () -> event(parser, null, "[1]"));
        assertThrows(JsonProcessingException.class, () -> event(parser, null, "{} {}"));
    }

    @Test
    void refusalStopsParsingWithoutCompleted() throws IOException {
        RecordingSink refusing = RecordingSink.refusingAfter(1);
        AnthropicEventParser refused = new AnthropicEventParser(refusing);
        String delta = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}";

        assertTrue(event(refused, null, delta));
        assertFalse(event(refused, null, delta));
        assertEquals(List.of(new TextDelta("a")), refusing.events());
    }
}
