package io.streamgate.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.Fixtures;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.SseReplay;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamEvent.Completed;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import io.streamgate.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Replays the recorded OpenAI streams through okhttp-sse's reader and the real listener. The timeout only turns a
 * regression of the reader's end-of-input spin (see {@code SseEofGuard}) into a failure instead of a hung build.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenAiFixtureReplayTest {

    private static final SseReplay REPLAY = new SseReplay(OpenAiChunkParser::new);

    static final String TEXT_FIXTURE = "openai-chat-text.sse";
    static final String TOOLS_FIXTURE = "openai-chat-parallel-tools.sse";

    static final String EXPECTED_TEXT = "I'm unable to provide real-time updates, including current weather information."
            + " For the latest weather in San Francisco, I recommend checking a reliable weather website or app such as"
            + " the Weather Channel, BBC Weather, or a local San Francisco news station.";

    static final List<ToolCall> EXPECTED_TOOL_CALLS = List.of(
            new ToolCall("call_lQnnsesjFMWMQ5IeWPHzR4th", "GetWeatherArgs",
                    "{\"city\": \"Edinburgh\", \"country\": \"UK\", \"units\": \"c\"}"),
            new ToolCall("call_2xjOUgaCdiwAcl9ZBL9LyMUU", "get_stock_price",
                    "{\"ticker\": \"AAPL\", \"exchange\": \"NASDAQ\"}"));

    @Test
    void textFixtureGivesTextFinishReasonAndUsage() {
        RecordingSink sink = REPLAY.replay(Fixtures.bytes(TEXT_FIXTURE));

        assertTextFixture(sink);
    }

    @Test
    void parallelToolsFixtureGivesBothCompleteCallsInIndexOrder() {
        RecordingSink sink = REPLAY.replay(Fixtures.bytes(TOOLS_FIXTURE));

        assertToolsFixture(sink);
    }

    static void assertTextFixture(RecordingSink sink) {
        sink.assertSingleTerminalLast();
        assertEquals(EXPECTED_TEXT, sink.text());
        assertEquals(new Completed("stop", new Usage(14, 47, Usage.UNKNOWN, Usage.UNKNOWN)), sink.events().getLast());
        assertTrue(sink.toolCalls().isEmpty());
    }

    static void assertToolsFixture(RecordingSink sink) {
        sink.assertSingleTerminalLast();
        assertEquals(EXPECTED_TOOL_CALLS, sink.toolCalls());
        assertEquals("", sink.text());
        assertEquals(new Completed("tool_calls", new Usage(149, 60, Usage.UNKNOWN, Usage.UNKNOWN)), sink.events().getLast());
        // The calls go out once finished, right before the terminal event, not interleaved with fragments.
        List<UpstreamEvent> events = sink.events();
        assertEquals(3, events.size(), () -> "events: " + events);
    }

    @ParameterizedTest
    @ValueSource(strings = {TEXT_FIXTURE, TOOLS_FIXTURE})
    void everyVariantSplitAtEveryOffsetGivesTheSameEvents(String fixture) {
        byte[] original = Fixtures.bytes(fixture);
        List<UpstreamEvent> expected = REPLAY.replay(original).events();
        if (fixture.equals(TEXT_FIXTURE)) {
            assertTextFixture(REPLAY.replay(original));
        } else {
            assertToolsFixture(REPLAY.replay(original));
        }

        REPLAY.assertEveryVariantAndSplitGives(expected, original);
    }

    @Test
    void bodyWithoutDoneFailsAsRetryableUpstreamError() {
        String body = new String(Fixtures.bytes(TEXT_FIXTURE), StandardCharsets.UTF_8).replace("data: [DONE]\n\n", "");

        RecordingSink sink = REPLAY.replay(body.getBytes(StandardCharsets.UTF_8));

        sink.assertSingleTerminalLast();
        UpstreamEvent.Failed failed = assertInstanceOf(UpstreamEvent.Failed.class, sink.events().getLast());
        assertEquals("upstream stream ended before [DONE]", failed.error().message());
        assertTrue(failed.error().retryable());
        assertEquals(EXPECTED_TEXT, sink.text());
    }
}
