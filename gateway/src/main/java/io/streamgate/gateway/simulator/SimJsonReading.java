package io.streamgate.gateway.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * What the simulator's two request readers ({@link SimRequestParser}, {@link AnthropicSimRequestParser}) share:
 * the body must be a JSON object, and jackson's failures become {@link InvalidRequestException}s.
 */
final class SimJsonReading {

    /** Reads the body's fields; the parser stands on the body's {@code START_OBJECT}. */
    @FunctionalInterface
    interface ObjectReader {
        SimRequest read(JsonParser p) throws IOException;
    }

    private SimJsonReading() {}

    /** @throws InvalidRequestException when the body is not a JSON object or {@code reader} refuses it */
    static SimRequest readObject(JsonFactory json, InputStream body, ObjectReader reader) {
        Objects.requireNonNull(body, "body");
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequestException("request body must be a JSON object");
            }
            return reader.read(p);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("request body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidRequestException("request body could not be read: " + e.getMessage(), e);
        }
    }

    /** Skips the current value; returns null so that it can stand where an absent name is meant. */
    static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    /** A string value, or null (skipping the value) when it is anything else: for optional names. */
    static String stringOrNull(JsonParser p, JsonToken v) throws IOException {
        return v == JsonToken.VALUE_STRING ? p.getText() : skip(p);
    }

    static String requireString(JsonParser p, JsonToken v, String field) throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw new InvalidRequestException("'" + field + "' must be a string");
        }
        return p.getText();
    }
}
