package io.streamgate.llm.anthropic;

import static io.streamgate.llm.MockUpstream.fixture;
import static io.streamgate.llm.MockUpstream.sse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.MockUpstream;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.ToolSpec;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent.Completed;
import io.streamgate.llm.UpstreamEvent.SignedThinking;
import io.streamgate.llm.UpstreamEvent.TextDelta;
import io.streamgate.llm.UpstreamEvent.ThinkingDelta;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import io.streamgate.llm.Usage;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** End to end through each transport and real sockets against MockWebServer playing the Messages API. */
@ParameterizedClass
@EnumSource(MockUpstream.Kind.class)
class AnthropicProviderTest {

    private static final ChatRequest HELLO = new ChatRequest(null, List.of(ChatMessage.user("hello")), null, null);
    private static final String TEXT_EVENT =
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n";

    @RegisterExtension
    final MockUpstream upstream;

    AnthropicProviderTest(MockUpstream.Kind kind) {
        this.upstream = new MockUpstream(kind);
    }

    private AnthropicProvider provider(String apiKey, AnthropicOptions options) {
        return AnthropicProvider.create(upstream.transport(), upstream.baseUrl(), apiKey, "claude-test", options);
    }

    @Test
    void replaysBothFixtures() throws Exception {
        upstream.server().enqueue(sse(fixture(AnthropicFixtureReplayTest.TEXT_FIXTURE)));
        upstream.server().enqueue(sse(fixture(AnthropicFixtureReplayTest.TOOL_USE_FIXTURE)));
        AnthropicProvider provider = provider("k", AnthropicOptions.defaults());

        AnthropicFixtureReplayTest.assertTextFixture(upstream.streamToEnd(provider, HELLO));
        AnthropicFixtureReplayTest.assertToolUseFixture(upstream.streamToEnd(provider, HELLO));
    }

    @Test
    void sendsMessagesRequestWithCachingToolsAndToolResults() throws Exception {
        upstream.server().enqueue(sse(fixture(AnthropicFixtureReplayTest.TEXT_FIXTURE)));
        ToolSpec weather = new ToolSpec("get_weather", "Weather for a city",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
        ToolSpec time = new ToolSpec("get_time", "Local time", "{\"type\":\"object\"}");
        ChatRequest request = new ChatRequest(
                null,
                List.of(
                        ChatMessage.system("be brief"),
                        ChatMessage.user("weather and time in Paris?"),
                        ChatMessage.system("answer in English"),
                        ChatMessage.assistant("Checking.", List.of(
                                new ToolCall("toolu_1", "get_weather", "{\"city\": \"Paris\"}"),
                                new ToolCall("toolu_2", "get_time", ""))),
                        ChatMessage.toolResult("toolu_1", "get_weather", "{\"temp_c\":21}"),
                        ChatMessage.toolResult("toolu_2", "get_time", "\"12:00\""),
                        ChatMessage.user("thanks")),
                null,
                0.5,
                List.of(weather, time));

        upstream.streamToEnd(provider("sk-ant-test", AnthropicOptions.defaults()), request);

        RecordedRequest recorded = upstream.server().takeRequest();
        assertEquals("POST", recorded.getMethod());
        assertEquals("/v1/messages", recorded.getUrl().encodedPath());
        assertEquals("sk-ant-test", recorded.getHeaders().get("x-api-key"));
        assertEquals("2023-06-01", recorded.getHeaders().get("anthropic-version"));
        assertEquals("application/json", recorded.getHeaders().get("Content-Type"));
        assertEquals("text/event-stream", recorded.getHeaders().get("Accept"));
        assertEquals("identity", recorded.getHeaders().get("Accept-Encoding"));
        assertNull(recorded.getHeaders().get("Authorization"));
        String cache = "\"cache_control\":{\"type\":\"ephemeral\"}";
        assertEquals(
                "{\"model\":\"claude-test\",\"max_tokens\":4096,\"stream\":true,\"temperature\":0.5,"
                        + "\"system\":[{\"type\":\"text\",\"text\":\"be brief\\n\\nanswer in English\"," + cache + "}],"
                        + "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather for a city\","
                        + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}},"
                        + "{\"name\":\"get_time\",\"description\":\"Local time\",\"input_schema\":{\"type\":\"object\"},"
                        + cache + "}],"
                        + "\"messages\":["
                        + "{\"role\":\"user\",\"content\":\"weather and time in Paris?\"},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Checking.\"},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"get_time\",\"input\":{}}]},"
                        + "{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"{\\\"temp_c\\\":21}\"},"
                        + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":\"\\\"12:00\\\"\"}]},"
                        + "{\"role\":\"user\",\"content\":\"thanks\"}]}",
                recorded.getBody().utf8());
    }

    /**
     * With extended thinking on, the Messages API rejects a tool loop's next request unless the assistant turn starts
     * with the thinking blocks that led to its tool calls, each byte for byte as signed.
     */
    @Test
    void anAssistantTurnSendsItsSignedThinkingBackFirstAndUnchanged() throws Exception {
        upstream.server().enqueue(sse(fixture(AnthropicFixtureReplayTest.TEXT_FIXTURE)));
        ChatRequest request = new ChatRequest(null, List.of(
                ChatMessage.user("time?"),
                ChatMessage.assistant("", List.of(new ToolCall("toolu_1", "get_time", "{}")), List.of(
                        SignedThinking.of("I need the \"clock\".\n", "EqQBsig=="),
                        SignedThinking.redacted("EmwKdata"))),
                ChatMessage.toolResult("toolu_1", "get_time", "\"12:00\"")),
                null, null, List.of());

        upstream.streamToEnd(provider("k", AnthropicOptions.defaults().withPromptCaching(false)
                .withThinkingBudgetTokens(1024)), request);

        String body = upstream.server().takeRequest().getBody().utf8();
        assertTrue(body.contains("{\"role\":\"assistant\",\"content\":["
                        + "{\"type\":\"thinking\",\"thinking\":\"I need the \\\"clock\\\".\\n\",\"signature\":\"EqQBsig==\"},"
                        + "{\"type\":\"redacted_thinking\",\"data\":\"EmwKdata\"},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_time\",\"input\":{}}]}"),
                body);
    }

    @Test
    void withoutKeyCachingOrSystemTheRequestIsMinimalAndThinkingIsAskedFor() throws Exception {
        upstream.server().enqueue(sse(fixture(AnthropicFixtureReplayTest.TEXT_FIXTURE)));
        AnthropicOptions options = AnthropicOptions.defaults().withPromptCaching(false).withThinkingBudgetTokens(1024);
        ChatRequest request = new ChatRequest("claude-other", List.of(ChatMessage.user("hi")), 2048, null,
                List.of(new ToolSpec("t", "d", "{}")));

        upstream.streamToEnd(provider(null, options), request);

        RecordedRequest recorded = upstream.server().takeRequest();
        assertNull(recorded.getHeaders().get("x-api-key"));
        assertEquals(
                "{\"model\":\"claude-other\",\"max_tokens\":2048,\"stream\":true,"
                        + "\"tools\":[{\"name\":\"t\",\"description\":\"d\",\"input_schema\":{}}],"
                        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                recorded.getBody().utf8());
    }

    @Test
    void thinkingStreamGivesThinkingAsItArrivesAndEachSignedBlockWholeForTheProvider() throws Exception {
        upstream.server().enqueue(sse(AnthropicStreams.THINKING_THEN_TOOL_USE));

        RecordingSink sink = upstream.streamToEnd(provider("k", AnthropicOptions.defaults().withThinkingBudgetTokens(2000)), HELLO);

        assertEquals(
                List.of(new ThinkingDelta("The user wants the time; "), new ThinkingDelta("I will ask the clock."),
                        SignedThinking.of(AnthropicStreams.THINKING, AnthropicStreams.SIGNATURE),
                        SignedThinking.redacted(AnthropicStreams.REDACTED_DATA),
                        new TextDelta("Let me check."),
                        new ToolCall("toolu_t1", "current_time", "{}"),
                        new Completed("tool_calls", new Usage(30, 40, 5, 100))),
                sink.events());
    }

    @Test
    void inStreamOverloadedErrorFailsOnceRetryably() throws Exception {
        upstream.server().enqueue(sse(TEXT_EVENT
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"
                + TEXT_EVENT
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));

        RecordingSink sink = upstream.streamToEnd(provider("k", AnthropicOptions.defaults()), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.OVERLOADED, error.code());
        assertTrue(error.retryable());
        assertEquals("upstream reported an error: Overloaded", error.message());
        assertEquals(0, error.httpStatus());
        assertEquals(2, sink.events().size(), () -> "events: " + sink.events());
        assertEquals("Hel", sink.text());
    }

    @Test
    void status529IsOverloaded() throws Exception {
        upstream.server().enqueue(new MockResponse.Builder()
                .code(529)
                .setHeader("Content-Type", "application/json")
                .body("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")
                .build());

        RecordingSink sink = upstream.streamToEnd(provider("k", AnthropicOptions.defaults()), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.OVERLOADED, error.code());
        assertTrue(error.retryable());
        assertEquals(529, error.httpStatus());
        assertEquals("upstream returned HTTP 529: Overloaded", error.message());
        assertEquals(1, sink.events().size());
    }

    @Test
    void bodyEndingBeforeMessageStopFailsOnceRetryably() throws Exception {
        String body = fixture(AnthropicFixtureReplayTest.TEXT_FIXTURE);
        upstream.server().enqueue(sse(body.substring(0, body.indexOf("event: message_stop"))));

        RecordingSink sink = upstream.streamToEnd(provider("k", AnthropicOptions.defaults()), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertEquals("upstream stream ended before message_stop", error.message());
        assertTrue(error.retryable());
        assertEquals("Hello there!", sink.text());
    }

    @Test
    void connectionCutMidBodyFailsOnceRetryably() throws Exception {
        upstream.server().enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "text/event-stream")
                .body(fixture(AnthropicFixtureReplayTest.TOOL_USE_FIXTURE))
                .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
                .build());

        RecordingSink sink = upstream.streamToEnd(provider("k", AnthropicOptions.defaults()), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertTrue(error.retryable());
        assertTrue(sink.toolCalls().isEmpty(), () -> "events: " + sink.events());
    }

    private static final String MESSAGE_END = "event: message_delta\ndata: {\"type\":\"message_delta\","
            + "\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    /** A {@code tool_use} block at {@code index} whose input arrives as {@code pieces} of partial JSON. */
    private static String toolUse(int index, String name, String... pieces) {
        StringBuilder block = new StringBuilder("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":"
                + index + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_" + index + "\",\"name\":\"" + name
                + "\",\"input\":{}}}\n\n");
        for (String piece : pieces) {
            block.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":").append(index)
                    .append(",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"").append(piece).append("\"}}\n\n");
        }
        return block.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":")
                .append(index).append("}\n\n").toString();
    }

    private static void assertCapFailure(RecordingSink sink, String message) {
        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertFalse(error.retryable(), "the same request would go over again");
        assertEquals(message, error.message());
        assertEquals(1, sink.events().size(), () -> "nothing of the calls goes out: " + sink.events());
    }

    @Test
    void toolInputIsCappedInUtf8BytesAndUpToTheCapPasses() throws Exception {
        // 18 bytes in 13 chars: over a 16-byte cap only when counted as the bytes they are.
        String stream = toolUse(0, "f", "{\\\"a\\\":", "\\\"ééééé\\\"}") + MESSAGE_END;
        upstream.server().enqueue(sse(stream));
        upstream.server().enqueue(sse(stream));
        AnthropicProvider provider = provider("k", AnthropicOptions.defaults());

        assertCapFailure(upstream.streamToEnd(provider.withLimits(new StreamLimits(16, 32)), HELLO),
                "upstream sent tool call arguments over 16 bytes");
        assertEquals(List.of(new ToolCall("toolu_0", "f", "{\"a\":\"ééééé\"}"), new Completed("tool_calls", new Usage(Usage.UNKNOWN, 9, Usage.UNKNOWN, Usage.UNKNOWN))),
                upstream.streamToEnd(provider.withLimits(new StreamLimits(18, 32)), HELLO).events());
    }

    @Test
    void toolInputOverTheDefaultMebibyteEndsTheStream() throws Exception {
        String[] pieces = new String[17]; // each event well under the event cap; together one byte over 1 MiB
        java.util.Arrays.fill(pieces, "x".repeat(64 * 1024));
        pieces[16] = "y";
        upstream.server().enqueue(sse(toolUse(0, "f", pieces) + MESSAGE_END));

        assertCapFailure(upstream.streamToEnd(provider("k", AnthropicOptions.defaults()), HELLO),
                "upstream sent tool call arguments over 1048576 bytes");
    }

    @Test
    void moreToolUsesThanTheDefault32InOneStepEndTheStream() throws Exception {
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            stream.append(toolUse(i, "f", "{}"));
        }
        upstream.server().enqueue(sse(stream + MESSAGE_END));

        RecordingSink sink = upstream.streamToEnd(provider("k", AnthropicOptions.defaults()), HELLO);

        // Each block is whole at its stop and goes out then; the 33rd is refused at its start.
        assertEquals(32, sink.toolCalls().size());
        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertFalse(error.retryable());
        assertEquals("upstream sent more than 32 tool calls in one step", error.message());
    }

    @Test
    void aToolNameOver256CharsEndsTheStream() throws Exception {
        upstream.server().enqueue(sse(toolUse(0, "n".repeat(256), "{}") + MESSAGE_END));
        upstream.server().enqueue(sse(toolUse(0, "n".repeat(257), "{}") + MESSAGE_END));
        AnthropicProvider provider = provider("k", AnthropicOptions.defaults());

        assertEquals(1, upstream.streamToEnd(provider, HELLO).toolCalls().size());
        assertCapFailure(upstream.streamToEnd(provider, HELLO), "upstream sent a tool name over 256 characters");
    }

    @Test
    void createRejectsWhatTheApiWouldRejectOnEveryCall() {
        assertThrows(IllegalArgumentException.class,
                () -> AnthropicProvider.create(upstream.transport(), "https://api.anthropic.com/v1", "k", " ", AnthropicOptions.defaults()));
        assertThrows(IllegalArgumentException.class, () -> AnthropicOptions.defaults().withThinkingBudgetTokens(4096));
        assertThrows(IllegalArgumentException.class, () -> AnthropicOptions.defaults().withMaxTokens(0));
        AnthropicProvider provider = AnthropicProvider.create(upstream.transport(), "https://api.anthropic.com/v1", "sk-ant-secret", "m");
        assertEquals("https://api.anthropic.com/v1/messages", provider.endpoint().toString());
        assertEquals("anthropic", provider.name());
        assertTrue(!provider.toString().contains("secret"), provider.toString());
    }
}
