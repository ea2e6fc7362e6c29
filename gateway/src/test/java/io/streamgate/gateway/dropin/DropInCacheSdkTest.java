package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The official SDKs read a replayed answer like a provider's, and see what the cache did in its header. */
class DropInCacheSdkTest extends DropInGateway {

    private final OpenAIClient openAi = OpenAIOkHttpClient.builder()
            .apiKey(KEY).baseUrl(openAiBaseUrl()).timeout(Duration.ofSeconds(20)).build();
    private final AnthropicClient anthropic = AnthropicOkHttpClient.builder()
            .apiKey(KEY).baseUrl(anthropicBaseUrl()).timeout(Duration.ofSeconds(20)).build();

    @Override
    String[] moreSettings() {
        return new String[] {"STREAMGATE_CACHE", "exact"};
    }

    @AfterEach
    void closeClients() {
        openAi.close();
        anthropic.close();
    }

    private record Streamed<T>(T answer, String cache) {}

    private Streamed<ChatCompletion> openAiStreamed(ChatCompletionCreateParams params) {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw =
                        openAi.chat().completions().withRawResponse().createStreaming(params);
                StreamResponse<ChatCompletionChunk> stream = raw.parse()) {
            stream.stream().forEach(accumulator::accumulate);
            return new Streamed<>(accumulator.chatCompletion(), raw.headers().values(DropInCall.CACHE_HEADER).getFirst());
        }
    }

    private Streamed<Message> anthropicStreamed(MessageCreateParams params) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (com.anthropic.core.http.HttpResponseFor<com.anthropic.core.http.StreamResponse<RawMessageStreamEvent>> raw =
                        anthropic.messages().withRawResponse().createStreaming(params);
                com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = raw.parse()) {
            stream.stream().forEach(accumulator::accumulate);
            return new Streamed<>(accumulator.message(), raw.headers().values(DropInCall.CACHE_HEADER).getFirst());
        }
    }

    private static String text(ChatCompletion completion) {
        return completion.choices().getFirst().message().content().orElseThrow();
    }

    private static String text(Message message) {
        StringBuilder text = new StringBuilder();
        message.content().stream().flatMap(b -> b.text().stream()).forEach(t -> text.append(t.text()));
        return text.toString();
    }

    @Test
    void theOpenAiSdkReadsAReplayedStreamAndDocument() {
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("scripted-openai").addUserMessage("weather in Paris?").build();
        Streamed<ChatCompletion> first = openAiStreamed(params);
        Streamed<ChatCompletion> second = openAiStreamed(params);
        assertEquals("miss", first.cache());
        assertEquals("hit", second.cache());
        assertEquals(text(first.answer()), text(second.answer()));
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, second.answer().choices().getFirst().finishReason());
        assertNotEquals(first.answer().id(), second.answer().id());

        HttpResponseFor<ChatCompletion> whole = openAi.chat().completions().withRawResponse().create(params);
        assertEquals(List.of("hit"), whole.headers().values(DropInCall.CACHE_HEADER));
        assertEquals(text(first.answer()), text(whole.parse()));
        assertEquals(1, upstream.requests().size());

        // The SDK's way to send the gateway's own field: honoured, and not passed on to the provider.
        Streamed<ChatCompletion> optedOut = openAiStreamed(params.toBuilder()
                .putAdditionalBodyProperty("cache", JsonValue.from(false)).build());
        assertEquals("miss", optedOut.cache());
        assertEquals(2, upstream.requests().size());
        assertFalse(upstream.requests().getLast().body().contains("\"cache\""));
    }

    @Test
    void theAnthropicSdkReadsAReplayedStreamAndDocument() {
        upstream.always(new Reply.Sse(Fixtures.bytes("anthropic-messages-text.sse"), false));
        MessageCreateParams params = MessageCreateParams.builder()
                .model("scripted-anthropic").maxTokens(100).addUserMessage("say hello").build();
        Streamed<Message> first = anthropicStreamed(params);
        Streamed<Message> second = anthropicStreamed(params);
        assertEquals("miss", first.cache());
        assertEquals("hit", second.cache());
        assertEquals("Hello there!", text(second.answer()));
        assertEquals(StopReason.END_TURN, second.answer().stopReason().orElseThrow());
        assertNotEquals(first.answer().id(), second.answer().id());

        var whole = anthropic.messages().withRawResponse().create(params);
        assertEquals(List.of("hit"), whole.headers().values(DropInCall.CACHE_HEADER));
        assertEquals("Hello there!", text(whole.parse()));
        assertTrue(whole.parse().usage().outputTokens() > 0, "the stored answer's usage");
        assertEquals(1, upstream.requests().size());
    }
}
