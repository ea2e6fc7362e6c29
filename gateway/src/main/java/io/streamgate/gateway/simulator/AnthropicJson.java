package io.streamgate.gateway.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Writes one answer in the Anthropic Messages wire format, as api.anthropic.com does (see the recordings
 * {@code anthropic-messages-*.sse}): {@code message_start}; per content block {@code content_block_start}, its
 * deltas ({@code thinking_delta}, {@code text_delta}, {@code input_json_delta}) and {@code content_block_stop};
 * {@code message_delta} with the stop reason and usage; {@code message_stop}. Or the whole {@code message}.
 *
 * <p>One instance per answer: a stream's block index and open block are its state. The simulated reasoning has no
 * real signature; its block gets a fixed placeholder one, which only the simulator would accept back.
 */
final class AnthropicJson implements AnswerWire {

    /** The signature of the simulator's reasoning blocks. */
    static final String SIGNATURE = "streamgate-simulator";

    private enum Block { NONE, THINKING, TEXT, TOOL_USE }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static final JsonFactory JSON_READER = new JsonFactory();

    private final JsonFactory json;
    private Block open = Block.NONE;
    private int index = -1;

    AnthropicJson(JsonFactory json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    @Override
    public ByteBuf roleEvent(ByteBufAllocator alloc, SimAnswer a) {
        return AnswerWire.encode(alloc, buf -> event(buf, "message_start", g -> {
            g.writeFieldName("message");
            message(g, a, List.of(), null, 1);
        }));
    }

    @Override
    public ByteBuf deltaEvent(ByteBufAllocator alloc, SimAnswer a, SimDelta delta) {
        return AnswerWire.encode(alloc, buf -> {
            switch (delta) {
                case SimDelta.Reasoning r -> {
                    open(buf, Block.THINKING, null);
                    delta(buf, "thinking_delta", "thinking", r.text());
                }
                case SimDelta.Content c -> {
                    open(buf, Block.TEXT, null);
                    delta(buf, "text_delta", "text", c.text());
                }
                case SimDelta.ToolCallStart s -> open(buf, Block.TOOL_USE, s);
                case SimDelta.ToolCallArguments f -> delta(buf, "input_json_delta", "partial_json", f.fragment());
            }
        });
    }

    @Override
    public ByteBuf tailEvents(ByteBufAllocator alloc, SimAnswer a) {
        return AnswerWire.encode(alloc, buf -> {
            close(buf);
            event(buf, "message_delta", g -> {
                g.writeObjectFieldStart("delta");
                g.writeStringField("stop_reason", stopReason(a));
                g.writeNullField("stop_sequence");
                g.writeEndObject();
                g.writeObjectFieldStart("usage");
                g.writeNumberField("output_tokens", a.completionTokens());
                g.writeEndObject();
            });
            event(buf, "message_stop", g -> { });
        });
    }

    @Override
    public ByteBuf completion(ByteBufAllocator alloc, SimAnswer a) {
        return AnswerWire.encode(alloc,
                buf -> write(buf, g -> message(g, a, a.toolCalls(), stopReason(a), a.completionTokens())));
    }

    @Override
    public ByteBuf error(ByteBufAllocator alloc, String message, String type) {
        Objects.requireNonNull(message, "message");
        return AnswerWire.encode(alloc, buf -> write(buf, g -> {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", Objects.requireNonNull(type, "type"));
            g.writeStringField("message", message);
            g.writeEndObject();
            g.writeEndObject();
        }));
    }

    /** A {@code message} object; {@code calls} and a stop reason only in the whole document. */
    private static void message(JsonGenerator g, SimAnswer a, List<SimAnswer.ToolCall> calls, String stopReason,
            int outputTokens) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", a.id().replace("chatcmpl-sim-", "msg_sim_"));
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", a.model());
        g.writeArrayFieldStart("content");
        if (stopReason != null) {
            if (!a.reasoning().isEmpty()) {
                g.writeStartObject();
                g.writeStringField("type", "thinking");
                g.writeStringField("thinking", a.reasoning());
                g.writeStringField("signature", SIGNATURE);
                g.writeEndObject();
            }
            if (!a.text().isEmpty()) {
                g.writeStartObject();
                g.writeStringField("type", "text");
                g.writeStringField("text", a.text());
                g.writeEndObject();
            }
            for (SimAnswer.ToolCall call : calls) {
                g.writeStartObject();
                g.writeStringField("type", "tool_use");
                g.writeStringField("id", call.id());
                g.writeStringField("name", call.name());
                g.writeFieldName("input");
                try (var p = JSON_READER.createParser(call.arguments())) {
                    p.nextToken();
                    g.copyCurrentStructure(p); // copied token by token: the arguments carry the user's words
                }
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        if (stopReason == null) {
            g.writeNullField("stop_reason");
        } else {
            g.writeStringField("stop_reason", stopReason);
        }
        g.writeNullField("stop_sequence");
        g.writeObjectFieldStart("usage");
        g.writeNumberField("input_tokens", a.promptTokens());
        g.writeNumberField("output_tokens", outputTokens);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static String stopReason(SimAnswer a) {
        return switch (a.finishReason()) {
            case "length" -> "max_tokens";
            case SimAnswer.TOOL_CALLS -> "tool_use";
            default -> "end_turn";
        };
    }

    private void open(ByteBuf buf, Block kind, SimDelta.ToolCallStart call) throws IOException {
        if (open == kind && kind != Block.TOOL_USE) {
            return;
        }
        close(buf);
        open = kind;
        index++;
        event(buf, "content_block_start", g -> {
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("content_block");
            switch (kind) {
                case THINKING -> {
                    g.writeStringField("type", "thinking");
                    g.writeStringField("thinking", "");
                    g.writeStringField("signature", "");
                }
                case TEXT -> {
                    g.writeStringField("type", "text");
                    g.writeStringField("text", "");
                }
                default -> {
                    g.writeStringField("type", "tool_use");
                    g.writeStringField("id", call.id());
                    g.writeStringField("name", call.name());
                    g.writeObjectFieldStart("input");
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
        });
    }

    private void close(ByteBuf buf) throws IOException {
        if (open == Block.NONE) {
            return;
        }
        if (open == Block.THINKING) {
            delta(buf, "signature_delta", "signature", SIGNATURE);
        }
        open = Block.NONE;
        event(buf, "content_block_stop", g -> g.writeNumberField("index", index));
    }

    private void delta(ByteBuf buf, String type, String field, String value) throws IOException {
        event(buf, "content_block_delta", g -> {
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("delta");
            g.writeStringField("type", type);
            g.writeStringField(field, value);
            g.writeEndObject();
        });
    }

    private void event(ByteBuf buf, String type, Fields fields) throws IOException {
        buf.writeBytes(("event: " + type + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        write(buf, g -> {
            g.writeStartObject();
            g.writeStringField("type", type);
            fields.write(g);
            g.writeEndObject();
        });
        buf.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
    }

    private void write(ByteBuf buf, Fields body) throws IOException {
        try (JsonGenerator g = json.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
            body.write(g);
        }
    }
}
