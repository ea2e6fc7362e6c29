package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Checks, copies and builds small pieces of JSON text with jackson-core.
 *
 * <p>Tool arguments come from the model and tool results from tools or remote servers: hostile text. None of it is
 * ever spliced into an SSE event, a JSON answer or a history document as it came: it is parsed here, within bounds,
 * and written again token by token through a {@link JsonGenerator}, which escapes every control character inside
 * strings and puts no whitespace between tokens. So a value can hold neither a line break (that would end an SSE
 * {@code data:} line and let the text forge events) nor anything that is not JSON.
 */
public final class JsonText {

    /** The longest text parsed here, in chars: far above any real arguments or tool result. */
    public static final int MAX_CHARS = 1 << 20;
    private static final int MAX_REASON_CHARS = 160;

    /** Bounded nesting and lengths, so a hostile document can neither recurse deeply nor grow without end. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxStringLength(MAX_CHARS)
                    .maxDocumentLength(MAX_CHARS)
                    .build())
            .build();

    /** Why a text is not one JSON value, phrased for the model and the client (it quotes no more than a token). */
    public static final class MalformedJsonException extends Exception {
        MalformedJsonException(String reason) {
            super(reason, null, false, false);
        }
    }

    private JsonText() {}

    /** Whether {@code text} is exactly one JSON object (surrounding whitespace allowed). */
    public static boolean isObject(String text) {
        return firstToken(text) == JsonToken.START_OBJECT;
    }

    /** Whether {@code text} is exactly one JSON value of any kind (surrounding whitespace allowed). */
    public static boolean isValue(String text) {
        return firstToken(text) != null;
    }

    /**
     * {@code text}, which must be exactly one JSON value, as the generator writes it: compact, one line, every
     * string re-escaped.
     *
     * @throws MalformedJsonException saying what is wrong and where, when it is not one value within the bounds
     */
    public static String compact(String text) throws MalformedJsonException {
        requireNonNull(text, "text");
        if (text.length() > MAX_CHARS) {
            throw new MalformedJsonException("it is longer than " + MAX_CHARS + " characters");
        }
        StringWriter out = new StringWriter(text.length());
        try (JsonParser p = FACTORY.createParser(text);
                JsonGenerator g = FACTORY.createGenerator(out)) {
            if (p.nextToken() == null) {
                throw new MalformedJsonException("there is no JSON value");
            }
            g.copyCurrentStructure(p);
            expectEnd(p);
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(reason(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String source and a StringWriter never fail
        }
        return out.toString();
    }

    /**
     * Writes {@code text}, exactly one JSON value, into {@code g} token by token; never as raw text.
     *
     * @throws IllegalArgumentException when {@code text} is not one JSON value; nothing is written then
     */
    public static void copy(String text, JsonGenerator g) throws IOException {
        requireNonNull(g, "g");
        if (!isValue(text)) { // checked first, so a bad text never leaves half a value in g
            throw new IllegalArgumentException("not exactly one JSON value");
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            p.nextToken();
            g.copyCurrentStructure(p);
        }
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

    /** The first token of a well-formed single value within the bounds, or {@code null} when the text is not one. */
    private static JsonToken firstToken(String text) {
        requireNonNull(text, "text");
        if (text.length() > MAX_CHARS) {
            return null;
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            p.skipChildren();
            expectEnd(p);
            return first;
        } catch (IOException | MalformedJsonException e) {
            return null;
        }
    }

    /** After the one value, only whitespace may follow. */
    private static void expectEnd(JsonParser p) throws MalformedJsonException {
        JsonLocation after = p.currentLocation();
        try {
            if (p.nextToken() == null) {
                return;
            }
        } catch (IOException e) {
            // anything unparseable after the value is text after it, too
        }
        throw new MalformedJsonException("there is more text after the JSON value, from " + where(after));
    }

    private static String reason(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            message = "malformed JSON";
        }
        int nl = message.indexOf('\n');
        if (nl >= 0) {
            message = message.substring(0, nl);
        }
        if (message.length() > MAX_REASON_CHARS) {
            message = message.substring(0, MAX_REASON_CHARS) + "...";
        }
        return e.getLocation() == null ? message : message + " at " + where(e.getLocation());
    }

    private static String where(JsonLocation at) {
        return "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
