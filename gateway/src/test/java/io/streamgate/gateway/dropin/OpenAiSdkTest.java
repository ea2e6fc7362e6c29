package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK against {@code /v1/chat/completions}: base URL changed, nothing else. */
class OpenAiSdkTest extends DropInGateway {

    private final OpenAIClient client = client(KEY);

    private OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder()
                .apiKey(key)
                .baseUrl(openAiBaseUrl())
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private static ChatCompletionCreateParams.Builder ask(String model, String question) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(question);
    }

    private ChatCompletion streamed(ChatCompletionCreateParams params, List<ChatCompletionChunk> chunks) {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                accumulator.accumulate(chunk);
            });
        }
        return accumulator.chatCompletion();
    }

    @Test
    void streamsTextAndAnswersWholeAlike() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletion streamed = streamed(ask("sim-openai", "Tell me something").build(), chunks);
        ChatCompletion whole = client.chat().completions().create(ask("sim-openai", "Tell me something").build());

        String text = streamed.choices().getFirst().message().content().orElseThrow();
        assertTrue(text.startsWith("(simulated)"), text);
        assertTrue(chunks.size() > 3, "the answer arrived in pieces: " + chunks.size());
        assertEquals(text, whole.choices().getFirst().message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, streamed.choices().getFirst().finishReason());
        assertEquals("sim-openai", whole.model());
        assertTrue(whole.usage().orElseThrow().completionTokens() > 0, "a whole answer carries usage");
    }

    @Test
    void usageChunkOnlyWhenAskedFor() {
        List<ChatCompletionChunk> without = new ArrayList<>();
        streamed(ask("sim-openai", "Hello").build(), without);
        // The gateway asks the provider for usage anyway (the simulator always sends it); the client did not ask.
        assertTrue(without.stream().noneMatch(c -> c.usage().isPresent()), "no usage chunk unless asked for");
        assertTrue(without.stream().allMatch(c -> !c.choices().isEmpty()), "no chunk without a choice");

        List<ChatCompletionChunk> with = new ArrayList<>();
        streamed(ask("sim-openai", "Hello")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build(), with);
        var usage = with.getLast().usage().orElseThrow();
        assertEquals(without.size() + 1, with.size(), "the same chunks, plus the usage chunk");
        assertTrue(usage.completionTokens() > 0 && usage.promptTokens() > 0);
    }

    @Test
    void toolCallRoundTripWithStreamedArguments() {
        toolRoundTrip("sim-openai");
    }

    @Test
    void toolCallRoundTripAcrossDialects() {
        toolRoundTrip("sim-anthropic");
    }

    private void toolRoundTrip(String model) {
        FunctionDefinition calculator = FunctionDefinition.builder()
                .name("calculator")
                .description("evaluates arithmetic")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(java.util.Map.of(
                                "expression", java.util.Map.of("type", "string"))))
                        .build())
                .build();
        ChatCompletionCreateParams first = ask(model, "What is 2 + 3 * 4?").addFunctionTool(calculator).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletion asked = streamed(first, chunks);

        ChatCompletionMessage message = asked.choices().getFirst().message();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, asked.choices().getFirst().finishReason());
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().getFirst().asFunction();
        assertEquals("calculator", call.function().name());
        assertEquals("{\"expression\":\"2 + 3 * 4\"}", call.function().arguments());
        long argumentChunks = chunks.stream()
                .filter(c -> !c.choices().isEmpty())
                .filter(c -> c.choices().getFirst().delta().toolCalls().isPresent())
                .count();
        assertTrue(argumentChunks >= 2, "the call's arguments came in a separate chunk from its name: " + argumentChunks);

        ChatCompletionCreateParams second = ask(model, "What is 2 + 3 * 4?")
                .addFunctionTool(calculator)
                .addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder()
                        .toolCallId(call.id())
                        .content("{\"expression\":\"2 + 3 * 4\",\"result\":14}")
                        .build())
                .build();
        ChatCompletion answered = streamed(second, new ArrayList<>());
        String text = answered.choices().getFirst().message().content().orElseThrow();
        assertTrue(text.contains("14"), text);
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, answered.choices().getFirst().finishReason());
    }

    @Test
    void streamsFromAnAnthropicModel() {
        ChatCompletion direct = streamed(ask("sim-openai", "Tell me something").build(), new ArrayList<>());
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletion translated = streamed(ask("sim-anthropic", "Tell me something")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build(), chunks);

        assertEquals(direct.choices().getFirst().message().content(), translated.choices().getFirst().message().content(),
                "the same simulated answer, whichever dialect it was generated in");
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, translated.choices().getFirst().finishReason());
        assertEquals("sim-anthropic", translated.model());
        assertTrue(chunks.getLast().usage().orElseThrow().completionTokens() > 0, "Anthropic's usage, in OpenAI's form");
    }

    @Test
    void wrongKeyRaisesTheSdksAuthenticationError() {
        OpenAIClient stranger = client("not-a-key");
        try {
            assertThrows(UnauthorizedException.class,
                    () -> stranger.chat().completions().create(ask("sim-openai", "Hello").build()));
        } finally {
            stranger.close();
        }
    }

    @Test
    void unknownModelIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> client.chat().completions().create(ask("no-such-model", "Hello").build()));
        assertEquals("model_not_found", e.code().orElseThrow());
    }

    @Test
    void providerRateLimitIsRetriedByTheSdk() {
        AtomicInteger calls = new AtomicInteger();
        upstream.script(r -> calls.incrementAndGet() == 1
                ? new Reply.Status(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}",
                        "Retry-After", "1")
                : new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));

        ChatCompletion answer = client.chat().completions().create(ask("scripted-openai", "Hello").build());

        assertEquals(2, upstream.requests().size(), "the SDK tried again after the gateway's 429");
        assertTrue(answer.choices().getFirst().message().content().orElseThrow().startsWith("I'm unable"));
        assertEquals(List.of("up-o:1"), routes.cooledDown(), "the deployment cooled down for its Retry-After");
    }

    @Test
    void closingTheStreamEarlyCancelsTheProviderCall() throws Exception {
        CompletableFuture<TestUpstream.LiveStream> live = upstream.live();
        CompletableFuture<StreamResponse<ChatCompletionChunk>> opened = CompletableFuture.supplyAsync(
                () -> client.chat().completions().createStreaming(ask("scripted-openai", "Hello").build()));
        TestUpstream.LiveStream provider = live.get(10, TimeUnit.SECONDS);
        provider.send("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
                + "\"finish_reason\":null}]}\n\n");
        try (StreamResponse<ChatCompletionChunk> stream = opened.get(10, TimeUnit.SECONDS)) {
            var chunks = stream.stream().iterator();
            assertEquals("Hi", chunks.next().choices().getFirst().delta().content().orElseThrow());
        }
        assertTrue(provider.awaitClosed(10), "the provider saw its connection closed");
        Await.until("the stream's lease is returned", () -> routes.outstanding() == 0);
        // Cut before the provider's usage: billed by estimate, "Hi" being 2 characters, 4 to a token, rounded up.
        Await.until("the cut stream is billed", () -> completionTokens() == 1);
    }

    @Test
    void closingATranslatedStreamEarlyCancelsTheProviderCall() throws Exception {
        CompletableFuture<TestUpstream.LiveStream> live = upstream.live();
        CompletableFuture<StreamResponse<ChatCompletionChunk>> opened = CompletableFuture.supplyAsync(
                () -> client.chat().completions().createStreaming(ask("scripted-anthropic", "Hello").build()));
        TestUpstream.LiveStream provider = live.get(10, TimeUnit.SECONDS);
        provider.send("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":"
                + "{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n");
        try (StreamResponse<ChatCompletionChunk> stream = opened.get(10, TimeUnit.SECONDS)) {
            var chunks = stream.stream().iterator();
            assertEquals("", chunks.next().choices().getFirst().delta().content().orElseThrow(), "the role chunk");
            assertEquals("Hi", chunks.next().choices().getFirst().delta().content().orElseThrow());
        }
        assertTrue(provider.awaitClosed(10), "the provider saw its connection closed");
    }

    private double completionTokens() {
        try {
            return metric("llm_tokens_total", "tenant=\"team-a\"", "model=\"scripted-openai\"", "kind=\"completion\"");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
