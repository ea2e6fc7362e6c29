package io.streamgate.llm.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.Fixtures;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.SseReplay;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamEvent.Completed;
import io.streamgate.llm.UpstreamEvent.TextDelta;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import io.streamgate.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the recorded Anthropic streams through okhttp-sse's reader, the shared call and the Anthropic parser. The
 * timeout only turns a regression of the reader's end-of-input spin (see {@code SseEofGuard}) into a failure.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AnthropicFixtureReplayTest {

    static final SseReplay REPLAY = new SseReplay(AnthropicEventParser::new);

    static final String TEXT_FIXTURE = "anthropic-messages-text.sse";
    static final String TOOL_USE_FIXTURE = "anthropic-messages-tool-use.sse";

    static final String TOOL_USE_TEXT = "I'll check the current weather in Paris for you.";
    static final ToolCall EXPECTED_TOOL_CALL =
            new ToolCall("toolu_01NRLabsLyVHZPKxbKvkfSMn", "get_weather", "{\"location\": \"Paris\"}");

    @Test
    void textFixtureGivesDeltasStopAndUsage() {
        assertTextFixture(REPLAY.replay(Fixtures.bytes(TEXT_FIXTURE)));
    }

    @Test
    void toolUseFixtureGivesTextThenTheWholeCallAndCacheUsage() {
        assertToolUseFixture(REPLAY.replay(Fixtures.bytes(TOOL_USE_FIXTURE)));
    }

    static void assertTextFixture(RecordingSink sink) {
        assertEquals(
                List.of(new TextDelta("Hello"), new TextDelta(" there"), new TextDelta("!"),
                        new Completed("stop", new Usage(11, 6, Usage.UNKNOWN, Usage.UNKNOWN))),
                sink.events());
    }

    static void assertToolUseFixture(RecordingSink sink) {
        assertEquals(
                List.of(new TextDelta("I"), new TextDelta("'ll check the current weather in Paris for you."),
                        EXPECTED_TOOL_CALL,
                        new Completed("tool_calls", new Usage(377, 65, 0, 0))),
                sink.events());
    }

    @ParameterizedTest
    @ValueSource(strings = {TEXT_FIXTURE, TOOL_USE_FIXTURE})
    void everyVariantSplitAtEveryOffsetGivesTheSameEvents(String fixture) {
        byte[] original = Fixtures.bytes(fixture);
        RecordingSink reference = REPLAY.replay(original);
        if (fixture.equals(TEXT_FIXTURE)) {
            assertTextFixture(reference);
        } else {
            assertToolUseFixture(reference);
        }

        REPLAY.assertEveryVariantAndSplitGives(reference.events(), original);
    }

    @Test
    void withoutItsClosingBlankLineMessageStopIsNeverDispatched() {
        // As the providers' originals were recorded (see the fixtures' README): the last event is incomplete.
        String body = new String(Fixtures.bytes(TEXT_FIXTURE), StandardCharsets.UTF_8);
        String original = body.substring(0, body.length() - 1);

        RecordingSink sink = REPLAY.replay(original);

        sink.assertSingleTerminalLast();
        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertEquals("upstream stream ended before message_stop", error.message());
        assertTrue(error.retryable());
        assertEquals("Hello there!", sink.text());
    }

    @Test
    void bodyCutBeforeTheToolCallEndsLosesTheCallAndFailsOnce() {
        String body = new String(Fixtures.bytes(TOOL_USE_FIXTURE), StandardCharsets.UTF_8);
        String cut = body.substring(0, body.indexOf("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}"));

        RecordingSink sink = REPLAY.replay(cut);

        sink.assertSingleTerminalLast();
        assertEquals(ErrorCode.UPSTREAM_ERROR, sink.awaitFailure().code());
        assertEquals(TOOL_USE_TEXT, sink.text());
        assertTrue(sink.toolCalls().isEmpty(), "a call whose input never finished must not go out");
        assertEquals(3, sink.events().size(), () -> "events: " + sink.events());
    }

    @Test
    void eachFixtureEndsWithOneTerminalEvent() {
        for (String fixture : List.of(TEXT_FIXTURE, TOOL_USE_FIXTURE)) {
            RecordingSink sink = REPLAY.replay(Fixtures.bytes(fixture));
            sink.assertSingleTerminalLast();
            assertTrue(sink.events().getLast() instanceof UpstreamEvent.Completed, fixture);
        }
    }
}
