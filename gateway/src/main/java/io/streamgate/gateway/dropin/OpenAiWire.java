package io.streamgate.gateway.dropin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.openai.OpenAiChunkJson;
import io.streamgate.llm.openai.OpenAiToolCallJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The Chat Completions wire format written from neutral events: the {@code chat.completion.chunk} stream (role chunk,
 * content, {@code reasoning_content}, tool calls, the finish chunk, the usage chunk when asked for, {@code [DONE]})
 * and the whole {@code chat.completion} document. Every value goes through jackson's generator.
 *
 * <p>A tool call is complete when the neutral event carries it, so it goes out as two chunks, as OpenAI starts one:
 * its id and name with empty arguments, then the arguments in one piece.
 */
final class OpenAiWire implements StreamEncoder {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private final String id = Ids.next("chatcmpl-");
    private final long created = System.currentTimeMillis() / 1000;
    private final String model;
    private final boolean includeUsage;
    private final Dialect provider;
    private boolean started;
    private int toolCalls;

    /**
     * @param model the model name the client asked for, echoed back
     * @param includeUsage whether the client asked for the usage chunk
     * @param provider the dialect the provider reported usage in
     */
    OpenAiWire(String model, boolean includeUsage, Dialect provider) {
        this.model = requireNonNull(model, "model");
        this.includeUsage = includeUsage;
        this.provider = requireNonNull(provider, "provider");
    }

    @Override
    public void encode(UpstreamEvent event, ByteBuf out) throws IOException {
        if (!started) {
            started = true;
            chunk(out, d -> {
                d.writeStringField("role", "assistant");
                d.writeStringField("content", "");
            }, null);
        }
        switch (event) {
            case UpstreamEvent.TextDelta t -> chunk(out, d -> d.writeStringField("content", t.text()), null);
            case UpstreamEvent.ThinkingDelta t -> chunk(out, d -> d.writeStringField("reasoning_content", t.text()), null);
            case UpstreamEvent.ToolCall c -> {
                int index = toolCalls++;
                chunk(out, d -> OpenAiToolCallJson.writeDelta(d, index, c.id(), c.name(), ""), null);
                chunk(out, d -> OpenAiToolCallJson.writeDelta(d, index, null, null, c.argumentsJson()), null);
            }
            case UpstreamEvent.Completed c -> {
                chunk(out, d -> { }, FinishReasons.openAi(c.finishReason()));
                if (includeUsage) {
                    event(out, g -> {
                        g.writeStartObject();
                        envelope(g, "chat.completion.chunk");
                        g.writeArrayFieldStart("choices");
                        g.writeEndArray();
                        UsageJson.writeOpenAi(g, c.usage(), provider);
                        g.writeEndObject();
                    });
                }
                out.writeBytes(DONE);
            }
            case UpstreamEvent.SignedThinking s -> { } // Anthropic's signature has no place in this dialect
            case UpstreamEvent.RawEvent r -> { }
            case UpstreamEvent.Failed f -> { }
        }
    }

    /** The whole answer as one {@code chat.completion}. */
    void document(JsonGenerator g, AssembledAnswer answer) throws IOException {
        g.writeStartObject();
        envelope(g, "chat.completion");
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        String text = answer.text();
        if (text.isEmpty() && !answer.toolCalls().isEmpty()) {
            g.writeNullField("content");
        } else {
            g.writeStringField("content", text);
        }
        if (!answer.reasoning().isEmpty()) {
            g.writeStringField("reasoning_content", answer.reasoning());
        }
        if (!answer.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (UpstreamEvent.ToolCall call : answer.toolCalls()) {
                OpenAiToolCallJson.writeCall(g, call.id(), call.name(), call.argumentsJson());
            }
            g.writeEndArray();
        }
        g.writeNullField("refusal");
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", FinishReasons.openAi(answer.finishReason()));
        g.writeEndObject();
        g.writeEndArray();
        UsageJson.writeOpenAi(g, answer.usage(), provider);
        g.writeEndObject();
    }

    private void chunk(ByteBuf out, Fields delta, String finishReason) throws IOException {
        event(out, g -> {
            g.writeStartObject();
            envelope(g, "chat.completion.chunk");
            OpenAiChunkJson.writeChoices(g, delta::write, finishReason);
            g.writeEndObject();
        });
    }

    private void envelope(JsonGenerator g, String object) throws IOException {
        g.writeStringField("id", id);
        g.writeStringField("object", object);
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
    }

    private static void event(ByteBuf out, Fields json) throws IOException {
        out.writeBytes(DATA);
        try (JsonGenerator g = Encoding.generator(out)) {
            json.write(g);
        }
        out.writeByte('\n').writeByte('\n');
    }
}
