package io.streamgate.llm.openai;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the Chat Completions request body. {@code stream_options.include_usage} is what makes OpenAI-compatible
 * servers send the final usage chunk; without it {@code complete_state} would have no real token counts.
 */
final class OpenAiRequestWriter {

    private OpenAiRequestWriter() {}

    /** @param defaultModel used when the request names none; when both are {@code null} the field is left out */
    static byte[] write(ChatRequest request, String defaultModel) {
        String model = request.model() != null ? request.model() : defaultModel;
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + estimateChars(request));
        try (JsonGenerator g = Json.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (model != null) {
                g.writeStringField("model", model);
            }
            g.writeArrayFieldStart("messages");
            for (ChatMessage message : request.messages()) {
                g.writeStartObject();
                g.writeStringField("role", message.role());
                g.writeStringField("content", message.content());
                g.writeEndObject();
            }
            g.writeEndArray();
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return out.toByteArray();
    }

    private static int estimateChars(ChatRequest request) {
        long total = 0;
        for (ChatMessage message : request.messages()) {
            total += message.content().length() + 32;
        }
        return (int) Math.min(total, 1 << 20);
    }
}
