package io.streamgate.gateway.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** The type-specific JSON fields of each {@link StreamEvent}, shared by the SSE and the one-document outputs. */
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
                json.writeRawValue(t.toolInputJson());
            }
            case StreamEvent.ToolResult r -> {
                json.writeStringField("tool_call_id", r.toolCallId());
                json.writeStringField("tool_name", r.toolName());
                json.writeFieldName("result");
                json.writeRawValue(r.resultJson());
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

    static void writeCount(JsonGenerator json, String name, long value) throws IOException {
        if (value >= 0) {
            json.writeNumberField(name, value);
        } else {
            json.writeNullField(name);
        }
    }

}
