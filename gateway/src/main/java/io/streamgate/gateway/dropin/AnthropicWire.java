package io.streamgate.gateway.dropin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.llm.Json;
import io.streamgate.llm.Usage;
import io.streamgate.llm.UpstreamEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The Messages wire format written from neutral events: the event sequence {@code message_start}, then per content
 * block {@code content_block_start}, its {@code content_block_delta}s and {@code content_block_stop}, then
 * {@code message_delta} (stop reason, usage) and {@code message_stop}; and the whole {@code message} document. Every
 * value goes through jackson's generator.
 *
 * <p>Text and reasoning open a {@code text} or {@code thinking} block when the kind changes; a tool call is one
 * {@code tool_use} block whose input arrives as one {@code input_json_delta} (the neutral event carries it whole).
 * Reasoning from another provider has no Anthropic signature: its block's {@code signature} is empty.
 */
final class AnthropicWire implements StreamEncoder {

    private enum Block { NONE, TEXT, THINKING }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private final String id = Ids.next("msg_");
    private final String model;
    private final Dialect provider;
    private boolean started;
    private Block open = Block.NONE;
    private int index = -1;

    /**
     * @param model the model name the client asked for, echoed back
     * @param provider the dialect the provider reported usage in
     */
    AnthropicWire(String model, Dialect provider) {
        this.model = requireNonNull(model, "model");
        this.provider = requireNonNull(provider, "provider");
    }

    @Override
    public void encode(UpstreamEvent event, ByteBuf out) throws IOException {
        if (!started) {
            started = true;
            event(out, "message_start", g -> {
                g.writeObjectFieldStart("message");
                g.writeStringField("id", id);
                g.writeStringField("type", "message");
                g.writeStringField("role", "assistant");
                g.writeStringField("model", model);
                g.writeArrayFieldStart("content");
                g.writeEndArray();
                g.writeNullField("stop_reason");
                g.writeNullField("stop_sequence");
                UsageJson.writeAnthropic(g, Usage.NONE, provider); // known only at the end, in message_delta
                g.writeEndObject();
            });
        }
        switch (event) {
            case UpstreamEvent.TextDelta t -> {
                open(out, Block.TEXT);
                delta(out, d -> {
                    d.writeStringField("type", "text_delta");
                    d.writeStringField("text", t.text());
                });
            }
            case UpstreamEvent.ThinkingDelta t -> {
                open(out, Block.THINKING);
                delta(out, d -> {
                    d.writeStringField("type", "thinking_delta");
                    d.writeStringField("thinking", t.text());
                });
            }
            case UpstreamEvent.ToolCall c -> {
                if (!Json.isObject(c.argumentsJson())) {
                    throw new IllegalArgumentException("the model's tool call arguments are not a JSON object");
                }
                close(out);
                index++;
                event(out, "content_block_start", g -> {
                    g.writeNumberField("index", index);
                    g.writeObjectFieldStart("content_block");
                    g.writeStringField("type", "tool_use");
                    g.writeStringField("id", c.id());
                    g.writeStringField("name", c.name());
                    g.writeObjectFieldStart("input");
                    g.writeEndObject();
                    g.writeEndObject();
                });
                delta(out, d -> {
                    d.writeStringField("type", "input_json_delta");
                    d.writeStringField("partial_json", c.argumentsJson());
                });
                event(out, "content_block_stop", g -> g.writeNumberField("index", index));
            }
            case UpstreamEvent.Completed c -> {
                close(out);
                event(out, "message_delta", g -> {
                    g.writeObjectFieldStart("delta");
                    g.writeStringField("stop_reason", FinishReasons.anthropic(c.finishReason()));
                    g.writeNullField("stop_sequence");
                    g.writeEndObject();
                    UsageJson.writeAnthropic(g, c.usage(), provider);
                });
                event(out, "message_stop", g -> { });
            }
            case UpstreamEvent.SignedThinking s -> { } // only Anthropic signs reasoning: not met across dialects
            case UpstreamEvent.RawEvent r -> { }
            case UpstreamEvent.Failed f -> { }
        }
    }

    /** The whole answer as one {@code message}. */
    void document(JsonGenerator g, AssembledAnswer answer) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", model);
        g.writeArrayFieldStart("content");
        if (!answer.signedThinking().isEmpty()) {
            for (UpstreamEvent.SignedThinking s : answer.signedThinking()) {
                g.writeStartObject();
                if (s.isRedacted()) {
                    g.writeStringField("type", "redacted_thinking");
                    g.writeStringField("data", s.redactedData());
                } else {
                    g.writeStringField("type", "thinking");
                    g.writeStringField("thinking", s.thinking());
                    g.writeStringField("signature", s.signature());
                }
                g.writeEndObject();
            }
        } else if (!answer.reasoning().isEmpty()) {
            g.writeStartObject();
            g.writeStringField("type", "thinking");
            g.writeStringField("thinking", answer.reasoning());
            g.writeStringField("signature", "");
            g.writeEndObject();
        }
        if (!answer.text().isEmpty()) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", answer.text());
            g.writeEndObject();
        }
        for (UpstreamEvent.ToolCall call : answer.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", call.id());
            g.writeStringField("name", call.name());
            g.writeFieldName("input");
            Json.writeObject(g, call.argumentsJson(), "the model's tool call arguments");
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("stop_reason", FinishReasons.anthropic(answer.finishReason()));
        g.writeNullField("stop_sequence");
        UsageJson.writeAnthropic(g, answer.usage(), provider);
        g.writeEndObject();
    }

    private void open(ByteBuf out, Block kind) throws IOException {
        if (open == kind) {
            return;
        }
        close(out);
        open = kind;
        index++;
        event(out, "content_block_start", g -> {
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("content_block");
            if (kind == Block.TEXT) {
                g.writeStringField("type", "text");
                g.writeStringField("text", "");
            } else {
                g.writeStringField("type", "thinking");
                g.writeStringField("thinking", "");
                g.writeStringField("signature", "");
            }
            g.writeEndObject();
        });
    }

    private void close(ByteBuf out) throws IOException {
        if (open != Block.NONE) {
            open = Block.NONE;
            event(out, "content_block_stop", g -> g.writeNumberField("index", index));
        }
    }

    private void delta(ByteBuf out, Fields delta) throws IOException {
        event(out, "content_block_delta", g -> {
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("delta");
            delta.write(g);
            g.writeEndObject();
        });
    }

    /** {@code event: <type>} and one {@code data:} line holding {@code {"type": <type>, …fields}}. */
    private static void event(ByteBuf out, String type, Fields fields) throws IOException {
        out.writeBytes(("event: " + type + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        try (JsonGenerator g = Encoding.generator(out)) {
            g.writeStartObject();
            g.writeStringField("type", type);
            fields.write(g);
            g.writeEndObject();
        }
        out.writeByte('\n').writeByte('\n');
    }
}
