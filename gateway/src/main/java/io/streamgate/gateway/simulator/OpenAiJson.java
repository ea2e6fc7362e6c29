package io.streamgate.gateway.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.streamgate.llm.openai.OpenAiChunkJson;
import io.streamgate.llm.openai.OpenAiToolCallJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Writes the OpenAI Chat Completions wire format (chunks, the whole completion, errors) straight
 * into pooled {@link ByteBuf}s with jackson-core's generator, with no intermediate strings.
 *
 * <p>The field order and the {@code null}s follow what api.openai.com sends (see the recording
 * {@code llm-client/src/test/resources/fixtures/recorded/openai-chat-text.sse}), so that a client which works
 * against the simulator also works against the real API.
 *
 * <p>Every method that returns a buffer hands over its ownership; if writing fails the buffer is
 * released before the exception leaves, so no path leaks.
 */
final class OpenAiJson implements AnswerWire {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonFactory json;

    OpenAiJson(JsonFactory json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** One JSON body to write; the generator is positioned before the root value. */
    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * The first stream event: the assistant role with empty content, as OpenAI sends it; the
     * content is null instead when the answer goes on to call tools (see
     * {@code llm-client/src/test/resources/fixtures/recorded/openai-chat-parallel-tools.sse}).
     */
    @Override
    public ByteBuf roleEvent(ByteBufAllocator alloc, SimAnswer a) {
        return AnswerWire.encode(alloc, buf -> appendEvent(buf, g -> chunk(g, a, d -> {
            d.writeStringField("role", "assistant");
            if (a.callsTools()) {
                d.writeNullField("content");
            } else {
                d.writeStringField("content", "");
            }
            d.writeNullField("refusal");
        }, null)));
    }

    /** One streamed piece (text, reasoning or a tool-call fragment) as a stream event. */
    @Override
    public ByteBuf deltaEvent(ByteBufAllocator alloc, SimAnswer a, SimDelta delta) {
        return AnswerWire.encode(alloc, buf -> appendEvent(buf, g -> chunk(g, a, d -> delta(d, delta), null)));
    }

    private static void delta(JsonGenerator g, SimDelta delta) throws IOException {
        switch (delta) {
            case SimDelta.Content c -> g.writeStringField("content", c.text());
            case SimDelta.Reasoning r -> g.writeStringField("reasoning_content", r.text());
            case SimDelta.ToolCallStart s -> OpenAiToolCallJson.writeDelta(g, s.index(), s.id(), s.name(), "");
            case SimDelta.ToolCallArguments f -> OpenAiToolCallJson.writeDelta(g, f.index(), null, null, f.fragment());
        }
    }

    /**
     * The stream's tail in one buffer, since it is written at once: the chunk with the finish
     * reason and an empty delta, the usage chunk with {@code choices: []}, and {@code [DONE]}.
     * The usage chunk is sent even without {@code stream_options.include_usage} (OpenAI sends it
     * only when asked): the gateway always asks, and every OpenAI-compatible client has to accept
     * an empty {@code choices} array anyway.
     */
    @Override
    public ByteBuf tailEvents(ByteBufAllocator alloc, SimAnswer a) {
        return AnswerWire.encode(alloc, buf -> {
            appendEvent(buf, g -> chunk(g, a, d -> {}, a.finishReason()));
            appendEvent(buf, g -> {
                g.writeStartObject();
                envelope(g, a, "chat.completion.chunk");
                g.writeArrayFieldStart("choices");
                g.writeEndArray();
                usage(g, a);
                g.writeEndObject();
            });
            buf.writeBytes(DONE);
        });
    }

    /** The whole answer as one {@code chat.completion} document, for {@code stream: false}. */
    @Override
    public ByteBuf completion(ByteBufAllocator alloc, SimAnswer a) {
        return AnswerWire.encode(alloc, buf -> appendJson(buf, g -> {
            g.writeStartObject();
            envelope(g, a, "chat.completion");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            String text = a.text();
            if (text.isEmpty() && a.callsTools()) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", text);
            }
            String reasoning = a.reasoning();
            if (!reasoning.isEmpty()) {
                g.writeStringField("reasoning_content", reasoning);
            }
            List<SimAnswer.ToolCall> calls = a.toolCalls();
            if (!calls.isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (SimAnswer.ToolCall call : calls) {
                    g.writeStartObject();
                    g.writeStringField("id", call.id());
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", call.name());
                    g.writeStringField("arguments", call.arguments());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeNullField("refusal");
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", a.finishReason());
            g.writeEndObject();
            g.writeEndArray();
            usage(g, a);
            g.writeEndObject();
        }));
    }

    /** OpenAI's error document: {@code {"error":{"message","type","param":null,"code":null}}}. */
    @Override
    public ByteBuf error(ByteBufAllocator alloc, String message, String type) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(type, "type");
        return AnswerWire.encode(alloc, buf -> appendJson(buf, g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", type);
            g.writeNullField("param");
            g.writeNullField("code");
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    private void chunk(JsonGenerator g, SimAnswer a, Body delta, String finishReason) throws IOException {
        g.writeStartObject();
        envelope(g, a, "chat.completion.chunk");
        OpenAiChunkJson.writeChoices(g, delta::write, finishReason);
        g.writeEndObject();
    }

    private static void envelope(JsonGenerator g, SimAnswer a, String object) throws IOException {
        g.writeStringField("id", a.id());
        g.writeStringField("object", object);
        g.writeNumberField("created", a.created());
        g.writeStringField("model", a.model());
    }

    private static void usage(JsonGenerator g, SimAnswer a) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", a.promptTokens());
        g.writeNumberField("completion_tokens", a.completionTokens());
        g.writeNumberField("total_tokens", a.totalTokens());
        g.writeEndObject();
    }

    private void appendEvent(ByteBuf buf, Body body) throws IOException {
        buf.writeBytes(DATA);
        appendJson(buf, body);
        buf.writeBytes(EVENT_END);
    }

    private void appendJson(ByteBuf buf, Body body) throws IOException {
        // Closing the generator flushes into buf; closing a ByteBufOutputStream never releases buf.
        // The cast picks the OutputStream overload: ByteBufOutputStream is also a DataOutput.
        try (JsonGenerator g = json.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
            body.write(g);
        }
    }
}
