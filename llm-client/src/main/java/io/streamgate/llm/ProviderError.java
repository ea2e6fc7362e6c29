package io.streamgate.llm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * An error as a provider describes it, in an error body or in-stream: {@code {"error": {"type", "code", "message"}}}
 * (OpenAI, Anthropic), a bare {@code {"error": "text"}} (Ollama) or vLLM's flat {@code {"message", "type", "code"}}.
 * Any part may be {@code null}; {@code code} is kept as text because providers send strings, numbers or null.
 */
public record ProviderError(String type, String code, String message) {

    /**
     * Reads the value the parser is positioned on (after {@code "error":}): an object or a string. Unknown fields
     * are skipped; the parser is left on the value's last token.
     */
    public static ProviderError read(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return new ProviderError(null, null, p.getText());
        }
        if (token != JsonToken.START_OBJECT) {
            p.skipChildren();
            return new ProviderError(null, null, null);
        }
        String type = null;
        String code = null;
        String message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "type" -> type = scalarText(p, value);
                case "code" -> code = scalarText(p, value);
                case "message" -> message = scalarText(p, value);
                default -> p.skipChildren();
            }
        }
        return new ProviderError(type, code, message);
    }

    /**
     * Finds the error in a whole error body, or returns {@code null} when the body is not JSON or names no error.
     * Never throws: an error body is evidence, not input we depend on.
     */
    public static ProviderError parseBody(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ProviderError flat = null;
            String type = null;
            String code = null;
            String message = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "error" -> flat = read(p);
                    case "type" -> type = scalarText(p, value);
                    case "code" -> code = scalarText(p, value);
                    case "message" -> message = scalarText(p, value);
                    default -> p.skipChildren();
                }
            }
            if (flat != null) {
                return flat;
            }
            return message == null && type == null ? null : new ProviderError(type, code, message);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String scalarText(JsonParser p, JsonToken value) throws IOException {
        if (value == null || value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value.isScalarValue()) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }
}
