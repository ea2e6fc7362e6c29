package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The official Anthropic Java SDK against {@code /v1/messages}: base URL changed, nothing else. */
class AnthropicSdkTest extends DropInGateway {

    private final AnthropicClient client = client(KEY, 2);

    private AnthropicClient client(String key, int retries) {
        return AnthropicOkHttpClient.builder()
                .apiKey(key)
                .baseUrl(anthropicBaseUrl())
                .maxRetries(retries)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static MessageCreateParams.Builder ask(String model, String question) {
        return MessageCreateParams.builder().model(model).maxTokens(1024).addUserMessage(question);
    }

    private Message streamed(MessageCreateParams params, List<RawMessageStreamEvent> events) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(event -> {
                events.add(event);
                accumulator.accumulate(event);
            });
        }
        return accumulator.message();
    }

    private static String text(Message message) {
        StringBuilder text = new StringBuilder();
        message.content().stream().flatMap(b -> b.text().stream()).forEach(t -> text.append(t.text()));
        return text.toString();
    }

    @Test
    void streamsTextAndAnswersWholeAlike() {
        List<RawMessageStreamEvent> events = new ArrayList<>();
        Message streamed = streamed(ask("sim-anthropic", "Tell me something").build(), events);
        Message whole = client.messages().create(ask("sim-anthropic", "Tell me something").build());

        assertTrue(text(streamed).startsWith("(simulated)"), text(streamed));
        assertTrue(events.stream().filter(RawMessageStreamEvent::isContentBlockDelta).count() > 3);
        assertEquals(text(streamed), text(whole));
        assertEquals(StopReason.END_TURN, streamed.stopReason().orElseThrow());
        assertEquals(StopReason.END_TURN, whole.stopReason().orElseThrow());
        assertTrue(streamed.usage().outputTokens() > 0 && streamed.usage().inputTokens() > 0, "usage, streamed");
        assertEquals(streamed.usage().outputTokens(), whole.usage().outputTokens(), "usage, whole");
    }

    @Test
    void toolUseRoundTripWithStreamedInput() {
        toolRoundTrip("sim-anthropic");
    }

    @Test
    void toolUseRoundTripAcrossDialects() {
        toolRoundTrip("sim-openai");
    }

    private void toolRoundTrip(String model) {
        Tool calculator = Tool.builder()
                .name("calculator")
                .description("evaluates arithmetic")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("expression", Map.of("type", "string"))))
                        .build())
                .build();
        List<RawMessageStreamEvent> events = new ArrayList<>();
        Message asked = streamed(ask(model, "What is 2 + 3 * 4?").addTool(calculator).build(), events);

        assertEquals(StopReason.TOOL_USE, asked.stopReason().orElseThrow());
        ToolUseBlock call = asked.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertEquals("calculator", call.name());
        assertEquals(Map.of("expression", "2 + 3 * 4"), call._input().convert(Map.class));
        assertTrue(events.stream().anyMatch(e -> e.contentBlockDelta().map(d -> d.delta().isInputJson()).orElse(false)),
                "the input arrived as input_json_delta");

        Message answered = streamed(ask(model, "What is 2 + 3 * 4?")
                .addTool(calculator)
                .addMessage(asked)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(call.id())
                        .content("{\"expression\":\"2 + 3 * 4\",\"result\":14}")
                        .build())))
                .build(), new ArrayList<>());
        assertTrue(text(answered).contains("14"), text(answered));
        assertEquals(StopReason.END_TURN, answered.stopReason().orElseThrow());
    }

    @Test
    void streamsFromAnOpenAiModel() {
        Message direct = streamed(ask("sim-anthropic", "Tell me something").build(), new ArrayList<>());
        List<RawMessageStreamEvent> events = new ArrayList<>();
        Message translated = streamed(ask("sim-openai", "Tell me something").build(), events);

        assertEquals(text(direct), text(translated), "the same simulated answer, whichever dialect it was generated in");
        assertEquals(StopReason.END_TURN, translated.stopReason().orElseThrow());
        assertEquals("sim-openai", translated.model().asString());
        assertTrue(events.getFirst().isMessageStart() && events.getLast().isMessageStop());
        assertTrue(translated.usage().outputTokens() > 0, "OpenAI's usage, in Anthropic's form");
    }

    @Test
    void wrongKeyRaisesTheSdksAuthenticationError() {
        AnthropicClient stranger = client("not-a-key", 0);
        try {
            assertThrows(UnauthorizedException.class,
                    () -> stranger.messages().create(ask("sim-anthropic", "Hello").build()));
        } finally {
            stranger.close();
        }
    }

    @Test
    void unknownModelIsNotFound() {
        assertThrows(NotFoundException.class, () -> client.messages().create(ask("no-such-model", "Hello").build()));
    }

    @Test
    void providerRateLimitIsRetriedByTheSdkAndVersionHeadersArePassedOn() {
        AtomicInteger calls = new AtomicInteger();
        upstream.script(r -> calls.incrementAndGet() == 1
                ? new Reply.Status(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow\"}}",
                        "Retry-After", "1")
                : new Reply.Sse(Fixtures.bytes("anthropic-messages-text.sse"), false));

        Message answer = client.messages().create(ask("scripted-anthropic", "Hello")
                .putAdditionalHeader("anthropic-version", "2023-01-01")
                .putAdditionalHeader("anthropic-beta", "some-beta-2025-01-01").build());

        assertEquals(2, upstream.requests().size(), "the SDK tried again after the gateway's 429");
        assertTrue(text(answer).startsWith("Hello"), text(answer));
        TestUpstream.Request sent = upstream.requests().getLast();
        assertEquals("2023-01-01", sent.header("anthropic-version"), "the client's version header, passed on");
        assertEquals("some-beta-2025-01-01", sent.header("anthropic-beta"));
        assertEquals(null, sent.header("x-api-key"), "the client's key for the gateway never reaches the provider");
        assertTrue(sent.body().contains("\"model\":\"upstream-model\""), sent.body());
    }

    @Test
    void providerOverloadIsAnthropics529() {
        upstream.always(new Reply.Status(529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        AnthropicClient once = client(KEY, 0);
        try {
            AnthropicServiceException e = assertThrows(AnthropicServiceException.class,
                    () -> once.messages().create(ask("scripted-anthropic", "Hello").build()));
            assertEquals(529, e.statusCode());
        } finally {
            once.close();
        }
        assertEquals(List.of("up-a:default"), routes.cooledDown(), "cooled down for the router's default time");
        assertEquals(List.of("up-a:overloaded"), routes.failures());
    }

    @Test
    void closingTheStreamEarlyCancelsTheProviderCall() throws Exception {
        CompletableFuture<TestUpstream.LiveStream> live = upstream.live();
        CompletableFuture<StreamResponse<RawMessageStreamEvent>> opened = CompletableFuture.supplyAsync(
                () -> client.messages().createStreaming(ask("scripted-anthropic", "Hello").build()));
        TestUpstream.LiveStream provider = live.get(10, TimeUnit.SECONDS);
        provider.send("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n");
        try (StreamResponse<RawMessageStreamEvent> stream = opened.get(10, TimeUnit.SECONDS)) {
            assertTrue(stream.stream().iterator().next().isMessageStart());
        }
        assertTrue(provider.awaitClosed(10), "the provider saw its connection closed");
        Await.until("the stream's lease is returned", () -> routes.outstanding() == 0);
    }

    @SuppressWarnings("unused")
    private static boolean isText(ContentBlock block) {
        return block.isText();
    }
}
