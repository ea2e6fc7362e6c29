package io.streamgate.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogValueTest {

    @Test
    void plainWordsStayBare() {
        assertEquals("gpt-4o-mini", LogValue.of("gpt-4o-mini"));
        assertEquals("c1", LogValue.of("c1"));
        assertEquals("claude-sonnet-4@2025:v1/x+y_z.", LogValue.of("claude-sonnet-4@2025:v1/x+y_z."));
        assertEquals("-", LogValue.of((String) null));
        assertEquals("\"\"", LogValue.of(""));
    }

    @Test
    void aForgedLineStaysOnItsLineInQuotes() {
        assertEquals("\"m\\nstream_end tenant=admin status=success\"",
                LogValue.of("m\nstream_end tenant=admin status=success"));
        assertEquals("\"a\\r\\nb\\tc\"", LogValue.of("a\r\nb\tc"));
        assertEquals("\"say \\\"hi\\\" \\\\ bye\"", LogValue.of("say \"hi\" \\ bye"));
        assertEquals("\"key=value\"", LogValue.of("key=value"), "a value with = or a space cannot pose as a key");
        assertEquals("\"two words\"", LogValue.of("two words"));
    }

    @Test
    void controlAndNonAsciiCharactersAreEscapedAsUnicode() {
        assertEquals("\"\\u0000\\u001b[31m\\u007f\"", LogValue.of("\0\u001b[31m\u007f"));
        assertEquals("\"caf\\u00e9 \\u2028\\u2029 \\ud83d\\ude00\"", LogValue.of("café \u2028\u2029 😀"));
        assertEquals("\"\\u0085next line\"", LogValue.of("\u0085next line"));
    }

    @Test
    void longValuesAreCutWithAMarker() {
        String value = "x".repeat(LogValue.MAX_CHARS + 50);
        String logged = LogValue.of(value);
        assertEquals("\"" + "x".repeat(LogValue.MAX_CHARS) + "...[+50 chars]\"", logged);
        assertEquals("x".repeat(LogValue.MAX_CHARS), LogValue.of("x".repeat(LogValue.MAX_CHARS)));
    }

    @Test
    void everyCharacterIsRenderedAsPrintableAscii() {
        for (int from = 0; from <= Character.MAX_VALUE; from += LogValue.MAX_CHARS) {
            StringBuilder chars = new StringBuilder();
            for (int c = from; c < Math.min(from + LogValue.MAX_CHARS, Character.MAX_VALUE + 1); c++) {
                chars.append((char) c);
            }
            String logged = LogValue.of(chars);
            assertTrue(logged.chars().allMatch(c -> c >= 0x20 && c < 0x7f), logged);
        }
    }

    @Test
    void anExceptionIsItsClassMessageAndThrowingFrameEscaped() {
        IllegalStateException e = new IllegalStateException("bad\nstream_end tenant=admin");
        String logged = LogValue.of(e);
        assertTrue(logged.startsWith("\"java.lang.IllegalStateException: bad\\nstream_end tenant=admin at "
                + LogValueTest.class.getName() + "."), logged);
        assertEquals(-1, logged.indexOf('\n'));
    }
}
