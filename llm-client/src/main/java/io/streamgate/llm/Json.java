package io.streamgate.llm;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The one {@link JsonFactory} of the module, and the few JSON chores every adapter's request writer shares.
 *
 * <p>A factory is thread-safe and owns the symbol tables and buffer recyclers that make each new parser cheap, so
 * every stream shares it instead of building its own.
 */
public final class Json {

    // Parsers run on virtual threads, one per stream: jackson's default thread-local buffer recycling would give
    // every stream its own ~8 KB of char buffers. A shared pool keeps a few for everyone.
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build();

    /** Writes one JSON document with a generator; the generator is positioned before the root value. */
    @FunctionalInterface
    public interface Document {
        void write(JsonGenerator g) throws IOException;
    }

    private Json() {}

    /**
     * Writes a document to UTF-8 bytes. Writing to memory cannot fail with an I/O error, so callers need no
     * {@code catch}; an {@link IllegalArgumentException} from {@code document} passes through.
     *
     * @param sizeHint the expected size in bytes, to avoid regrowing the buffer
     */
    public static byte[] write(int sizeHint, Document document) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, sizeHint));
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            document.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code json}, the text of one JSON object, into {@code g} as a value rather than as a string. It is
     * copied token by token, not spliced in raw, so a malformed text can never produce a malformed request body.
     *
     * @param what names the value in the exception, e.g. {@code "tool get_weather: parametersSchema"}
     * @throws IllegalArgumentException if {@code json} is not exactly one well-formed JSON object
     */
    public static void writeObject(JsonGenerator g, String json, String what) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(what + " is not a JSON object");
            }
            g.copyCurrentStructure(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException(what + " has text after its JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Whether {@code json} is exactly one well-formed JSON object. Never throws. */
    public static boolean isObject(String json) {
        if (json == null || json.isBlank()) {
            return false;
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The string the parser is on, or {@code null} for any other value, which is skipped. */
    public static String stringOrNull(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /**
     * The string the parser is on as the equal entry of {@code known}, so that a field that takes a few known values
     * (an event's type) builds no string per event; any other string is built as usual. {@code null} for any other
     * value, which is skipped.
     */
    public static String stringIn(JsonParser p, JsonToken token, String[] known) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return null;
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        for (String name : known) {
            if (name.length() == length && equals(name, chars, offset)) {
                return name;
            }
        }
        return new String(chars, offset, length);
    }

    private static boolean equals(String name, char[] chars, int offset) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** The integer the parser is on, or {@code fallback} for any other value, which is skipped. */
    public static long longOr(JsonParser p, JsonToken token, long fallback) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        p.skipChildren();
        return fallback;
    }

    /** Copies the value the parser is on, with everything inside it, to compact JSON text. */
    public static String copyToString(JsonParser p) throws IOException {
        StringWriter json = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(json)) {
            g.copyCurrentStructure(p);
        }
        return json.toString();
    }

    /** Reads one field of an object; {@code value} is the first token of the field's value. */
    @FunctionalInterface
    public interface FieldReader {
        void read(String field, JsonToken value) throws IOException;
    }

    /**
     * Calls {@code reader} for each field of the object that {@code start} opens; any other value is skipped. Every
     * delta parser walks objects this way, so the walk lives here once.
     */
    public static void readObject(JsonParser p, JsonToken start, FieldReader reader) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            reader.read(field, p.nextToken());
        }
    }
}
