package io.streamgate.gateway.dropin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.Json;
import java.io.IOException;

/** Reading a client's JSON field by field, with a 400 that names the field when it has the wrong shape. */
final class Reading {

    private static final int EXCERPT_CHARS = 40;

    private Reading() {}

    /** Reads a whole request body; the parser stands on its first token. */
    @FunctionalInterface
    interface BodyReader {
        ChatRequest read(JsonParser p) throws IOException;
    }

    /** Parses {@code body} with {@link Encoding#STRICT}; jackson's failures become 400s. */
    static ChatRequest readBody(byte[] body, BodyReader reader) {
        try (JsonParser p = Encoding.STRICT.createParser(body)) {
            p.nextToken();
            return reader.read(p);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("the body could not be read");
        }
    }

    static void expect(JsonToken actual, JsonToken expected, String message) {
        if (actual != expected) {
            throw new BadRequestException(message);
        }
    }

    static String string(JsonParser p, JsonToken v, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw new BadRequestException("'" + field + "' must be a string");
        }
        return p.getText();
    }

    static Integer positiveInt(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || p.getLongValue() < 1) {
            throw new BadRequestException("'" + field + "' must be a positive integer");
        }
        return (int) Math.min(p.getLongValue(), Integer.MAX_VALUE);
    }

    static Double number(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new BadRequestException("'" + field + "' must be a number");
        }
        return p.getDoubleValue();
    }

    /** A JSON object value, as compact text. */
    static String object(JsonParser p, JsonToken v, String field) throws IOException {
        expect(v, JsonToken.START_OBJECT, "'" + field + "' must be an object");
        return Json.copyToString(p);
    }

    /** Tool-call arguments as the neutral request carries them: one JSON object ({@code {}} when empty). */
    static String argumentsObject(String arguments) {
        if (arguments.isBlank()) {
            return "{}";
        }
        if (!Json.isObject(arguments)) {
            throw new BadRequestException("tool call arguments must be one JSON object");
        }
        return arguments;
    }

    /** A client's value in an error message: short, whatever it holds. */
    static String excerpt(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", " ");
        return clean.length() <= EXCERPT_CHARS ? clean : clean.substring(0, EXCERPT_CHARS) + "…";
    }
}
