package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Checks and builds small pieces of JSON text with jackson-core.
 *
 * <p>Tool arguments come from the model and tool results from tools or remote servers; both end up spliced into
 * SSE events and stored history as raw JSON, so they are checked here before anyone writes them raw.
 */
public final class JsonText {

    /** Bounded nesting, so a hostile document cannot make the parser recurse deeply. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private JsonText() {}

    /** Whether {@code text} is exactly one JSON object (surrounding whitespace allowed). */
    public static boolean isObject(String text) {
        return firstToken(text) == JsonToken.START_OBJECT;
    }

    /** Whether {@code text} is exactly one JSON value of any kind (surrounding whitespace allowed). */
    public static boolean isValue(String text) {
        return firstToken(text) != null;
    }

    /** {@code {"error": message}}, escaped. */
    public static String error(String message) {
        requireNonNull(message, "message");
        StringWriter out = new StringWriter(message.length() + 16);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The first token of a well-formed single value, or {@code null} when the text is not one. */
    private static JsonToken firstToken(String text) {
        requireNonNull(text, "text");
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            p.skipChildren();
            return p.nextToken() == null ? first : null;
        } catch (IOException e) {
            return null;
        }
    }
}
