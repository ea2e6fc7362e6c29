package io.streamgate.gateway.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MirrorEntryTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void idsLetAReaderStartAtTheEntryHoldingTheNextEvent() {
        assertEquals("8-0", MirrorEntry.idOf(7), "a flush whose last event is 7");
        assertEquals("1-0", MirrorEntry.idOf(0), "never 0-0, which Redis refuses");
        // A reader that saw 5 reads after 6-0: the entry holding 6 (id >= 7-0) comes next, the one ending at 5 not.
        assertEquals("6-0", MirrorEntry.idAfter(5));
        assertEquals("0-0", MirrorEntry.idAfter(-1));
    }

    @Test
    void fieldsAreReadInSequenceOrderWhateverOrderRedisGives() {
        Map<String, byte[]> body = new LinkedHashMap<>();
        body.put("12", b("twelve"));
        body.put("10", b("ten"));
        body.put("11", b("eleven"));
        MirrorEntry e = MirrorEntry.of("13-0", body);
        assertArrayEquals(new long[] {10, 11, 12}, e.sequences());
        assertArrayEquals(new byte[][] {b("ten"), b("eleven"), b("twelve")}, e.events());
        assertEquals(10, e.firstSequence());
        assertEquals(12, e.lastSequence());
        assertFalse(e.end() || e.gap() || e.malformed());
    }

    @Test
    void endAndGapMarkers() {
        Map<String, byte[]> end = new LinkedHashMap<>();
        end.put("4", b("error"));
        end.put("end", MirrorEntry.EMPTY);
        MirrorEntry e = MirrorEntry.of("5-0", end);
        assertTrue(e.end());
        assertArrayEquals(new long[] {4}, e.sequences());
        MirrorEntry gap = MirrorEntry.of("1764000000000-0", Map.of("gap", MirrorEntry.EMPTY));
        assertTrue(gap.gap());
        assertEquals(-1, gap.firstSequence());
    }

    @Test
    void anythingElseIsMalformed() {
        for (String field : new String[] {"-1", "01", "1e3", "x", "", "1234567890123456789", " 1"}) {
            assertTrue(MirrorEntry.of("9-0", Map.of(field, b("x"))).malformed(), field);
        }
        assertTrue(MirrorEntry.of("9-0", Map.of()).malformed(), "an empty entry");
        Map<String, byte[]> holes = new LinkedHashMap<>();
        holes.put("1", b("a"));
        holes.put("3", b("c"));
        assertTrue(MirrorEntry.of("4-0", holes).malformed(), "one flush holds consecutive events");
    }
}
