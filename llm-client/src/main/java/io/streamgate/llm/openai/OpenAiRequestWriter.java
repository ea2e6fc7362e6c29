package io.streamgate.llm.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.Json;
import io.streamgate.llm.ToolSpec;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.io.IOException;

/**
 * Writes the Chat Completions request body. {@code stream_options.include_usage} is what makes OpenAI-compatible
 * servers send the final usage chunk; without it {@code complete_state} would have no real token counts.
 *
 * <p>Tool calls go back to the model as it wrote them: an assistant message's {@code tool_calls} with the arguments
 * as a JSON string, and each result as a {@code tool} message naming its call, its content the result's JSON text.
 */
final class OpenAiRequestWriter {

    private OpenAiRequestWriter() {}

    /**
     * @param defaultModel used when the request names none; when both are {@code null} the field is left out
     * @throws IllegalArgumentException if a tool's parameter schema is not a JSON object
     */
    static byte[] write(ChatRequest request, String defaultModel) {
        String model = request.model() != null ? request.model() : defaultModel;
        return Json.write(256 + request.approximateChars(), g -> {
            g.writeStartObject();
            if (model != null) {
                g.writeStringField("model", model);
            }
            g.writeArrayFieldStart("messages");
            for (ChatMessage message : request.messages()) {
                writeMessage(g, message);
            }
            g.writeEndArray();
            if (!request.tools().isEmpty()) {
                writeTools(g, request);
            }
            g.writeBooleanField("stream", true);
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
            if (request.maxTokens() != null) {
                g.writeNumberField("max_tokens", request.maxTokens());
            }
            if (request.temperature() != null) {
                g.writeNumberField("temperature", request.temperature());
            }
            g.writeEndObject();
        });
    }

    private static void writeMessage(JsonGenerator g, ChatMessage message) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", message.role());
        if (message.role().equals("tool")) {
            g.writeStringField("tool_call_id", message.toolCallId());
            g.writeStringField("content", message.content());
        } else if (message.hasToolCalls()) {
            // OpenAI documents null, not "", as the content of a turn that only calls tools.
            if (message.content().isEmpty()) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", message.content());
            }
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall call : message.toolCalls()) {
                OpenAiToolCallJson.writeCall(g, call.id(), call.name(), call.argumentsJson());
            }
            g.writeEndArray();
        } else {
            g.writeStringField("content", message.content());
        }
        g.writeEndObject();
    }

    private static void writeTools(JsonGenerator g, ChatRequest request) throws IOException {
        g.writeArrayFieldStart("tools");
        for (ToolSpec tool : request.tools()) {
            g.writeStartObject();
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", tool.name());
            g.writeStringField("description", tool.description());
            g.writeFieldName("parameters");
            Json.writeObject(g, tool.parametersSchema(), "tool " + tool.name() + ": parametersSchema");
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
