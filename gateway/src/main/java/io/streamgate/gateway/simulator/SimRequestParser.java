package io.streamgate.gateway.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Reads a Chat Completions request body with jackson-core's streaming parser.
 *
 * <p>Streaming rather than data binding keeps the gateway free of jackson-databind and of
 * reflection, and lets the parser skip fields it does not need without building them.
 */
final class SimRequestParser {

    private final JsonFactory json;

    SimRequestParser(JsonFactory json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /**
     * Parses one request body.
     *
     * @throws InvalidRequestException when the body is not JSON or breaks the request's contract
     */
    SimRequest parse(InputStream body) {
        Objects.requireNonNull(body, "body");
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequestException("request body must be a JSON object");
            }
            String model = SimRequest.DEFAULT_MODEL;
            Messages messages = null;
            boolean stream = false;
            OptionalInt maxTokens = OptionalInt.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> model = requireString(p, value, "model");
                    case "messages" -> messages = readMessages(p, value);
                    case "stream" -> stream = readStream(value);
                    case "max_tokens", "max_completion_tokens" -> maxTokens = readMaxTokens(p, value, field);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new InvalidRequestException("request body must be exactly one JSON object");
            }
            if (messages == null) {
                throw new InvalidRequestException("'messages' is required");
            }
            return new SimRequest(model, messages.lastUser, messages.words, stream, maxTokens);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("request body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidRequestException("request body could not be read: " + e.getMessage(), e);
        }
    }

    /** What the simulator keeps of the message list. */
    private record Messages(String lastUser, int words) {}

    private static Messages readMessages(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new InvalidRequestException("'messages' must be an array");
        }
        String lastUser = "";
        int words = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequestException("each message must be an object");
            }
            String role = null;
            String content = "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "role" -> role = requireString(p, v, "role");
                    case "content" -> content = readContent(p, v);
                    default -> p.skipChildren();
                }
            }
            words += SimulatedText.countWords(content);
            if ("user".equals(role)) {
                lastUser = content;
            }
        }
        return new Messages(lastUser, words);
    }

    /** Content is a string, null (assistant tool calls), or an array of parts whose text parts count. */
    private static String readContent(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> "";
            case START_ARRAY -> readContentParts(p);
            default -> throw new InvalidRequestException("'content' must be a string, null or an array of parts");
        };
    }

    private static String readContentParts(JsonParser p) throws IOException {
        StringBuilder text = new StringBuilder();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if ("text".equals(field) && v == JsonToken.VALUE_STRING) {
                    text.append(text.isEmpty() ? "" : "\n").append(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
        return text.toString();
    }

    private static boolean readStream(JsonToken v) {
        return switch (v) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> throw new InvalidRequestException("'stream' must be a boolean");
        };
    }

    private static OptionalInt readMaxTokens(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return OptionalInt.empty();
        }
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new InvalidRequestException("'" + field + "' must be an integer");
        }
        long n = p.getLongValue();
        if (n < 1) {
            throw new InvalidRequestException("'" + field + "' must be at least 1, was " + n);
        }
        return OptionalInt.of((int) Math.min(n, Integer.MAX_VALUE));
    }

    private static String requireString(JsonParser p, JsonToken v, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw new InvalidRequestException("'" + field + "' must be a string");
        }
        return p.getText();
    }
}
