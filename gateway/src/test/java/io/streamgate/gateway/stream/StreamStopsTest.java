package io.streamgate.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.stream.StreamStops.Outcome;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a stop request to other nodes carries, and how their answers combine. */
class StreamStopsTest {

    @Test
    void hostileTenantsAndIdsTravelIntactAndCannotBeConfused() {
        String[][] pairs = {
            {"team-a", "c1"},
            {"a.b", "c.d"},                // dots in either field
            {"a b\r\nPUBLISH x", "id\u0000"}, // what would break a text protocol
            {"t\u00e9nant-\u6f22", "\ud83d\ude00"},
            {"=", "=="},
            {"x".repeat(StreamStops.MAX_FIELD_BYTES), "y".repeat(StreamStops.MAX_FIELD_BYTES)},
        };
        for (String[] pair : pairs) {
            String body = StreamStops.encode(pair[0], pair[1]);
            assertTrue(body.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), body);
            assertArrayEquals(pair, StreamStops.decode(body));
        }
        assertEquals(StreamStops.decode(StreamStops.encode("a", "b.c"))[1], "b.c");
        assertTrue(!StreamStops.encode("a", "b.c").equals(StreamStops.encode("a.b", "c")));
    }

    @Test
    void whatCannotBeSentIsNotSent() {
        assertNull(StreamStops.encode("", "c1"));
        assertNull(StreamStops.encode("t", ""));
        assertNull(StreamStops.encode("x".repeat(StreamStops.MAX_FIELD_BYTES + 1), "c1"));
        assertNull(StreamStops.encode("t", "\u00e9".repeat(StreamStops.MAX_FIELD_BYTES / 2 + 1)), "bytes count");
    }

    @Test
    void malformedBodiesAreRefused() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String t = b64.encodeToString("t".getBytes());
        String[] hostile = {
            "", ".", t, t + ".", "." + t, t + "." + t + "." + t, // not exactly two fields
            "A." + t,                                           // one base64 character is no byte
            t + "=." + t,                                       // padding
            t + ".+/",                                          // not the URL alphabet
            b64.encodeToString(new byte[] {(byte) 0xc3}) + "." + t,       // a cut UTF-8 sequence
            b64.encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe}) + "." + t, // not UTF-8
            b64.encodeToString(new byte[StreamStops.MAX_FIELD_BYTES + 1]) + "." + t, // too long
        };
        for (String h : hostile) {
            assertNull(StreamStops.decode(h), h);
        }
    }

    @Test
    void oneStopAnywhereIsAStopAndAnEndedStreamAnywhereIsNotStreaming() {
        assertEquals(Outcome.STOPPED, StreamStops.combine(Outcome.UNKNOWN, List.of("unknown", "stopped")));
        assertEquals(Outcome.STOPPED, StreamStops.combine(Outcome.NOT_STREAMING, List.of("stopped")));
        assertEquals(Outcome.NOT_STREAMING, StreamStops.combine(Outcome.UNKNOWN, List.of("unknown", "not_streaming")));
        assertEquals(Outcome.NOT_STREAMING, StreamStops.combine(Outcome.NOT_STREAMING, List.of("unknown")));
        assertEquals(Outcome.UNKNOWN, StreamStops.combine(Outcome.UNKNOWN, List.of()));
        assertEquals(Outcome.UNKNOWN, StreamStops.combine(Outcome.UNKNOWN, List.of("unknown", "bogus")),
                "an answer it does not know counts for nothing");
    }
}
