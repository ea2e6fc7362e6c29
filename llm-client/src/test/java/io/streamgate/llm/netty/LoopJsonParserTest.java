package io.streamgate.llm.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.llm.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopJsonParserTest {

    private static final String GOOD = "{\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"n\":-1.5e3,\"ok\":true}";

    /** What a reader sees: each token with its text, then "end" or the failure; no reader stops early here. */
    private static List<String> read(JsonParser p) {
        List<String> seen = new ArrayList<>();
        try (p) {
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                seen.add(t + (t.isScalarValue() || t == JsonToken.FIELD_NAME ? ":" + p.getText() : ""));
            }
            seen.add("end");
            assertNull(p.currentToken());
        } catch (IOException e) {
            seen.add("failed");
        }
        return seen;
    }

    private static List<String> blocking(String data) throws IOException {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return read(Json.FACTORY.createParser(bytes, 0, bytes.length));
    }

    private static List<String> reused(String data) throws IOException {
        byte[] bytes = ("xx" + data + "yy").getBytes(StandardCharsets.UTF_8); // a slice, as the framer hands out
        return read(LoopJsonParser.open(bytes, 2, bytes.length - 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        GOOD, "{}", "[]", "[1, [2, {\"a\": null}]]", "  {\"a\":1}  ", "12", "-0.5", "true", "\"text\"", "",
        "   ", "{\"a\":", "{\"a\":1", "[1,2", "{\"a\":\"cut", "\"cut", "{} {}", "{} tru", "{} \"x", "{} 12", "{}}",
        "{\"a\":1,}", "nul", "{\"a\":tru}", "{\"a\":\"\\u00e9\\n\"}", "{\"é\":\"ü€\"}", "{\"a\":1e}", "[\"\\"
    })
    void readsEachEventAsABlockingParserReadsItAndLeavesNothingForTheNext(String data) throws IOException {
        List<String> expected = blocking(data);
        List<String> actual = reused(data);
        if (expected.getLast().equals("failed")) {
            // Both fail. The blocking parser reads a field's value along with its name, so it may fail one token
            // earlier; the delta parsers publish nothing from an event they could not read to its end either way.
            assertEquals("failed", actual.getLast(), data);
            assertTrue(actual.size() - expected.size() <= 1, data + ": " + actual);
            assertEquals(expected.subList(0, expected.size() - 1), actual.subList(0, expected.size() - 1), data);
        } else {
            assertEquals(expected, actual, data);
        }
        assertEquals(blocking(GOOD), reused(GOOD), "the next event after " + data);
    }

    @Test
    void theSameParserServesEachEventOfTheThread() throws IOException {
        byte[] bytes = GOOD.getBytes(StandardCharsets.UTF_8);
        JsonParser first = LoopJsonParser.open(bytes, 0, bytes.length);
        read(first);
        JsonParser second = LoopJsonParser.open(bytes, 0, bytes.length);
        assertSame(first, second);
        JsonParser nested = LoopJsonParser.open(bytes, 0, bytes.length);
        assertNotSame(second, nested, "a parse within a parse gets a parser of its own");
        assertEquals(read(Json.FACTORY.createParser(bytes)), read(nested));
        assertEquals(read(Json.FACTORY.createParser(bytes)), read(second));
    }

    @Test
    void aReaderThatStopsEarlyLeavesTheParserReadyForTheNextEvent() throws IOException {
        byte[] bytes = ("{\"a\":[1,2,{\"b\":3}],\"c\":\"d\"} trailing").getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = LoopJsonParser.open(bytes, 0, bytes.length)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            assertEquals(JsonToken.FIELD_NAME, p.nextToken());
            assertEquals(JsonToken.START_ARRAY, p.nextToken());
            p.skipChildren();
            assertEquals(JsonToken.END_ARRAY, p.currentToken());
        }
        assertEquals(blocking(GOOD), reused(GOOD));
    }

    @Test
    void isRenewedAfterEnoughBytes() throws IOException {
        String big = "{\"k\":\"" + "x".repeat(LoopJsonParser.RENEW_AFTER_BYTES / 4) + "\"}";
        for (int i = 0; i < 6; i++) {
            assertEquals(blocking(big), reused(big));
        }
        assertEquals(blocking(GOOD), reused(GOOD));
    }
}
