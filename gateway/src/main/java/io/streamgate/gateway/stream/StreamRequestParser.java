package io.streamgate.gateway.stream;

import io.streamgate.gateway.cache.CachePolicy;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and validates a stream request body with jackson-core's streaming parser.
 *
 * <p>Unknown fields are skipped so that clients can send more than we read. Everything the gateway acts on is
 * type- and range-checked here, so later stages can trust a {@link StreamRequest}.
 */
public final class StreamRequestParser {

    /** Bounded nesting: a hostile body can't make the parser recurse deeply even in skipped fields. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
            .build();
    private static final int MAX_TOOLS = 64;
    private static final int MAX_NAME_CHARS = 256;

    private final int maxMessageChars;

    public StreamRequestParser(int maxMessageChars) {
        this.maxMessageChars = maxMessageChars;
    }

    /** @throws BadRequestException with a message fit for the client */
    public StreamRequest parse(ByteBuf body) {
        if (!body.isReadable()) {
            throw new BadRequestException("the request body is empty; send a JSON object with a \"message\"");
        }
        try (InputStream in = new ByteBufInputStream(body.duplicate());
                JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("the request body must be a JSON object");
            }
            String message = null, model = null, system = null;
            Integer maxTokens = null;
            Double temperature = null;
            List<String> tools = null;
            CachePolicy cache = CachePolicy.DEFAULT;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "message" -> message = string(p, value, "message", maxMessageChars);
                    case "model" -> model = string(p, value, "model", MAX_NAME_CHARS);
                    case "system" -> system = string(p, value, "system", maxMessageChars);
                    case "tools" -> tools = names(p, value);
                    case "max_tokens" -> maxTokens = positiveInt(p, value, "max_tokens");
                    case "temperature" -> temperature = temperature(p, value);
                    case "cache" -> cache = CachePolicy.of(bool(value, "cache"), null);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadRequestException("unexpected content after the JSON object");
            }
            if (message == null || message.isBlank()) {
                throw new BadRequestException("\"message\" is required and must not be empty");
            }
            return new StreamRequest(message, model, system, tools, maxTokens, temperature, cache);
        } catch (IOException e) {
            throw new BadRequestException("the request body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    private static String string(JsonParser p, JsonToken t, String field, int maxChars) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new BadRequestException("\"" + field + "\" must be a string");
        }
        if (p.getTextLength() > maxChars) {
            throw new BadRequestException("\"" + field + "\" is longer than " + maxChars + " characters");
        }
        return p.getText();
    }

    private static List<String> names(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new BadRequestException("\"tools\" must be an array of tool names");
        }
        List<String> names = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (names.size() == MAX_TOOLS) {
                throw new BadRequestException("\"tools\" names more than " + MAX_TOOLS + " tools");
            }
            String name = string(p, e, "tools[]", MAX_NAME_CHARS);
            if (name == null || name.isBlank()) {
                throw new BadRequestException("\"tools\" must contain non-empty strings");
            }
            names.add(name);
        }
        return names;
    }

    private static Integer positiveInt(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 1) {
            throw new BadRequestException("\"" + field + "\" must be a positive integer");
        }
        return p.getIntValue();
    }

    private static Boolean bool(JsonToken t, String field) {
        return switch (t) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> throw new BadRequestException("\"" + field + "\" must be true or false");
        };
    }

    private static Double temperature(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!t.isNumeric() || p.getDoubleValue() < 0 || p.getDoubleValue() > 2) {
            throw new BadRequestException("\"temperature\" must be a number between 0 and 2");
        }
        return p.getDoubleValue();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "parse error";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
