package io.streamgate.gateway.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import io.streamgate.gateway.tools.JsonText;
import java.io.IOException;

/**
 * The type-specific JSON fields of each {@link StreamEvent}, shared by the SSE and the one-document outputs.
 *
 * <p>Everything is written through the generator; JSON from a model or a tool is parsed and copied token by token
 * ({@link JsonText#copy}), never embedded raw.
 */
final class EventFields {

    private EventFields() {}

    static void write(StreamEvent event, JsonGenerator json) throws IOException {
        switch (event) {
            case StreamEvent.MessageChunk c -> {
                json.writeStringField("content", c.content());
                json.writeNumberField("token_count", c.tokenCount());
                json.writeBooleanField("is_final", c.isFinal());
            }
            case StreamEvent.Thinking t -> json.writeStringField("content", t.content());
            case StreamEvent.ToolCall t -> {
                json.writeStringField("tool_call_id", t.toolCallId());
                json.writeStringField("tool_name", t.toolName());
                json.writeFieldName("tool_input");
                writeToolInput(t.toolInputJson(), json);
            }
            case StreamEvent.ToolResult r -> {
                json.writeStringField("tool_call_id", r.toolCallId());
                json.writeStringField("tool_name", r.toolName());
                json.writeFieldName("result");
                writeResult(r.resultJson(), json);
                json.writeBooleanField("is_error", r.isError());
            }
            case StreamEvent.CompleteState s -> {
                json.writeStringField("final_message", s.finalMessage());
                writeCount(json, "total_tokens", s.totalTokens());
                writeCount(json, "prompt_tokens", s.promptTokens());
                if (s.cacheCreationInputTokens() >= 0) {
                    json.writeNumberField("cache_creation_input_tokens", s.cacheCreationInputTokens());
                }
                if (s.cacheReadInputTokens() >= 0) {
                    json.writeNumberField("cache_read_input_tokens", s.cacheReadInputTokens());
                }
                json.writeNumberField("total_chunks", s.totalChunks());
                json.writeFieldName("elapsed_time");
                json.writeNumber(String.format(java.util.Locale.ROOT, "%.3f", s.elapsedSeconds()));
                json.writeStringField("finish_reason", s.finishReason());
                json.writeBooleanField("cached", s.cached());
            }
            case StreamEvent.Error e -> {
                json.writeStringField("code", e.code().wireName());
                json.writeStringField("message", e.message());
                json.writeBooleanField("retryable", e.retryable());
            }
        }
    }

    /**
     * The model's arguments, parsed and written again token by token. Arguments that are not one JSON object are
     * written as {@code {}}: the contract promises an object, and the {@code tool_result} that follows tells the
     * model and the client what was wrong with them.
     */
    private static void writeToolInput(String arguments, JsonGenerator json) throws IOException {
        if (JsonText.isObject(arguments)) {
            JsonText.copy(arguments, json);
        } else {
            json.writeStartObject();
            json.writeEndObject();
        }
    }

    /** A tool's result, parsed and written again token by token; text that is not one JSON value, as a string. */
    private static void writeResult(String result, JsonGenerator json) throws IOException {
        if (JsonText.isValue(result)) {
            JsonText.copy(result, json);
        } else {
            json.writeString(result);
        }
    }

    static void writeCount(JsonGenerator json, String name, long value) throws IOException {
        if (value >= 0) {
            json.writeNumberField(name, value);
        } else {
            json.writeNullField(name);
        }
    }

}
