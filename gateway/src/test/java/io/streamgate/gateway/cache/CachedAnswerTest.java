package io.streamgate.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamgate.llm.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CachedAnswerTest {

    private static final long MS = 1_000_000;
    private static final Usage USAGE = new Usage(7, 3, -1, 2);

    /** Text, thinking and text again, with multi-byte characters, at 0, 5 and 12 ms after the first. */
    private static CachedAnswer sample() {
        CachedAnswer.Builder b = new CachedAnswer.Builder(1000);
        assertTrue(b.add(CachedAnswer.Kind.TEXT, "Héllo ", 40 * MS));
        assertTrue(b.add(CachedAnswer.Kind.THINKING, "hmm 😀", 45 * MS));
        assertTrue(b.add(CachedAnswer.Kind.TEXT, "wörld", 52 * MS));
        return b.build("stop", USAGE);
    }

    private static void assertSame(CachedAnswer expected, CachedAnswer actual) {
        assertEquals(expected.pieces(), actual.pieces());
        for (int i = 0; i < expected.pieces(); i++) {
            assertEquals(expected.kind(i), actual.kind(i));
            assertEquals(expected.piece(i), actual.piece(i));
            assertEquals(expected.atMillis(i), actual.atMillis(i));
        }
        assertEquals(expected.finishReason(), actual.finishReason());
        assertEquals(expected.usage(), actual.usage());
    }

    @Test
    void anAnswerSurvivesItsStoredForm() {
        CachedAnswer a = sample();
        assertEquals(3, a.pieces());
        assertEquals("Héllo wörld", a.text(), "the text without the thinking");
        assertEquals(CachedAnswer.Kind.THINKING, a.kind(1));
        assertEquals("hmm 😀", a.piece(1));
        assertEquals(0, a.atMillis(0));
        assertEquals(5, a.atMillis(1));
        assertEquals(12, a.atMillis(2));
        CachedAnswer decoded = CachedAnswer.decode(a.encode(), 1000);
        assertSame(a, decoded);
        assertArrayEquals(a.encode(), decoded.encode());
        assertEquals(a.weight(), decoded.weight());
    }

    @Test
    void anEmptyAnswerSurvivesToo() {
        CachedAnswer empty = new CachedAnswer.Builder(10).build("length", Usage.NONE);
        CachedAnswer decoded = CachedAnswer.decode(empty.encode(), 0);
        assertEquals(0, decoded.pieces());
        assertEquals("", decoded.text());
        assertEquals("length", decoded.finishReason());
        assertEquals(Usage.NONE, decoded.usage());
    }

    @Test
    void theBuilderSkipsEmptyPiecesAndGivesUpPastItsBound() {
        CachedAnswer.Builder b = new CachedAnswer.Builder(5);
        assertTrue(b.add(CachedAnswer.Kind.TEXT, "", 0));
        assertTrue(b.add(CachedAnswer.Kind.TEXT, "abc", 0));
        assertTrue(b.add(CachedAnswer.Kind.TEXT, "de", MS));
        assertEquals(2, b.build("stop", USAGE).pieces());
        assertFalse(b.add(CachedAnswer.Kind.TEXT, "f", 2 * MS), "six characters do not fit in five");
        assertTrue(b.overflowed());
        assertFalse(b.add(CachedAnswer.Kind.TEXT, "", 3 * MS), "and it stays over");
        assertThrows(IllegalStateException.class, () -> b.build("stop", USAGE));
        assertThrows(IllegalArgumentException.class,
                () -> new CachedAnswer.Builder(5).build("x".repeat(65), USAGE), "a finish reason is bounded");
    }

    @Test
    void timesBeforeTheFirstPieceOrFarAfterItAreClamped() {
        CachedAnswer.Builder b = new CachedAnswer.Builder(100);
        b.add(CachedAnswer.Kind.TEXT, "a", 1_000 * MS);
        b.add(CachedAnswer.Kind.TEXT, "b", 0); // a clock that went backwards
        b.add(CachedAnswer.Kind.TEXT, "c", Long.MAX_VALUE);
        CachedAnswer a = b.build("stop", USAGE);
        assertEquals(0, a.atMillis(1));
        assertEquals(Integer.MAX_VALUE, a.atMillis(2));
        assertSame(a, CachedAnswer.decode(a.encode(), 100));
    }

    // ---- what decode refuses ----

    /** Offsets in {@link #sample()}'s stored form. */
    private static final int REASON_LENGTH = 1;
    private static final int PIECES = 1 + 4 + "stop".length() + 32;
    private static final int FIRST_PIECE = PIECES + 4;

    private static void assertRefused(byte[] bytes, int maxChars) {
        assertThrows(IllegalArgumentException.class, () -> CachedAnswer.decode(bytes, maxChars));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] whole = sample().encode();
        for (int n = 0; n < whole.length; n++) {
            assertRefused(Arrays.copyOf(whole, n), 1000);
        }
        assertRefused(Arrays.copyOf(whole, whole.length + 1), 1000); // trailing bytes
    }

    @Test
    void anAnswerLongerThanAllowedIsRefused() {
        byte[] whole = sample().encode();
        int chars = sample().piece(0).length() + sample().piece(1).length() + sample().piece(2).length();
        CachedAnswer.decode(whole, chars);
        assertRefused(whole, chars - 1);
    }

    @Test
    void malformedFieldsAreRefused() {
        byte[] whole = sample().encode();

        byte[] version = whole.clone();
        version[0] = 2;
        assertRefused(version, 1000);

        byte[] hugeReason = whole.clone();
        ByteBuffer.wrap(hugeReason).putInt(REASON_LENGTH, Integer.MAX_VALUE);
        assertRefused(hugeReason, 1000);

        byte[] negativeReason = whole.clone();
        ByteBuffer.wrap(negativeReason).putInt(REASON_LENGTH, -1);
        assertRefused(negativeReason, 1000);

        byte[] longReasonPastTheEnd = whole.clone(); // within the reason's bound, beyond the bytes there are
        ByteBuffer.wrap(longReasonPastTheEnd).putInt(REASON_LENGTH, 200);
        assertRefused(Arrays.copyOf(longReasonPastTheEnd, 100), 1000);

        byte[] negativeUsage = whole.clone();
        ByteBuffer.wrap(negativeUsage).putLong(1 + 4 + 4, -2);
        assertRefused(negativeUsage, 1000);

        byte[] manyPieces = whole.clone();
        ByteBuffer.wrap(manyPieces).putInt(PIECES, Integer.MAX_VALUE);
        assertRefused(manyPieces, 1000);

        byte[] kind = whole.clone();
        kind[FIRST_PIECE] = 2;
        assertRefused(kind, 1000);

        byte[] decreasingEnd = whole.clone(); // the second piece ends before the first
        ByteBuffer.wrap(decreasingEnd).putInt(FIRST_PIECE + 9 + 1, 3);
        assertRefused(decreasingEnd, 1000);

        byte[] emptyPiece = whole.clone(); // the second piece ends where the first does
        ByteBuffer.wrap(emptyPiece).putInt(FIRST_PIECE + 9 + 1, sample().piece(0).length());
        assertRefused(emptyPiece, 1000);

        byte[] decreasingTime = whole.clone();
        ByteBuffer.wrap(decreasingTime).putInt(FIRST_PIECE + 9 + 5, 0);
        ByteBuffer.wrap(decreasingTime).putInt(FIRST_PIECE + 5, 3);
        assertRefused(decreasingTime, 1000);

        byte[] negativeTime = whole.clone();
        ByteBuffer.wrap(negativeTime).putInt(FIRST_PIECE + 5, -1);
        assertRefused(negativeTime, 1000);

        byte[] endsPastTheText = whole.clone();
        ByteBuffer.wrap(endsPastTheText).putInt(FIRST_PIECE + 18 + 1, 1000);
        assertRefused(endsPastTheText, 1000);
    }

    @Test
    void textThatIsNotUtf8IsRefused() {
        byte[] whole = sample().encode();
        byte[] text = "Héllo hmm 😀wörld".getBytes(StandardCharsets.UTF_8);
        int at = whole.length - text.length;
        byte[] broken = whole.clone();
        broken[at + 1] = (byte) 0xC3; // 'é' is C3 A9: a lead byte followed by a non-continuation byte
        broken[at + 2] = (byte) 0x28;
        assertRefused(broken, 1000);
        byte[] overlong = whole.clone();
        overlong[at] = (byte) 0xC0; // never the first byte of well-formed UTF-8 (it would be an overlong form)
        assertRefused(overlong, 1000);
        byte[] reasonBroken = whole.clone();
        reasonBroken[1 + 4] = (byte) 0xFF;
        assertRefused(reasonBroken, 1000);
    }

    /**
     * Stored answers may come from a shared store (Redis) that anyone with its address can write: whatever its bytes,
     * decode either returns a well-formed answer or throws IllegalArgumentException, never anything else.
     */
    @Test
    void randomMutationsOnlyEverFailAsIllegalArgument() {
        byte[] whole = sample().encode();
        Random random = new Random(0x5eed);
        int decoded = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = switch (round % 4) {
                case 0 -> Arrays.copyOf(whole, random.nextInt(whole.length + 8));
                case 3 -> {
                    byte[] noise = new byte[random.nextInt(96)];
                    random.nextBytes(noise);
                    if (noise.length > 0) {
                        noise[0] = 1; // past the version check
                    }
                    yield noise;
                }
                default -> {
                    byte[] m = whole.clone();
                    for (int i = random.nextInt(4) + 1; i > 0; i--) {
                        m[random.nextInt(m.length)] = (byte) (random.nextBoolean() ? random.nextInt(256)
                                : new int[] {0, 0xFF, 0x7F, 0x80}[random.nextInt(4)]);
                    }
                    yield m;
                }
            };
            try {
                CachedAnswer a = CachedAnswer.decode(bytes, 1000);
                decoded++;
                // What decodes is well formed: every piece is readable and it encodes back to the same bytes.
                for (int i = 0; i < a.pieces(); i++) {
                    assertFalse(a.piece(i).isEmpty());
                    assertTrue(i == 0 || a.atMillis(i) >= a.atMillis(i - 1));
                }
                assertArrayEquals(bytes, a.encode());
            } catch (IllegalArgumentException expected) {
                // refused
            } catch (RuntimeException e) {
                fail("round " + round + ": " + e + " for " + Arrays.toString(bytes), e);
            }
        }
        assertTrue(decoded > 0, "some mutations (in the text, say) still decode");
    }
}
