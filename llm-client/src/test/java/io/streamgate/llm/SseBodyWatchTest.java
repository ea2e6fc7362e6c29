package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import okio.Buffer;
import okio.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The OkHttp transport's event-size cap, byte by byte: what counts towards an event, and where an event ends. */
class SseBodyWatchTest {

    /** Reads all of {@code body} through the watch, {@code readSize} bytes at a time; returns the bytes read. */
    private static long read(String body, int max, int readSize) throws IOException {
        Source watched = SseBodyWatch.watch(new Buffer().writeUtf8(body), max, null);
        Buffer sink = new Buffer();
        while (watched.read(sink, readSize) != -1) {
            // read on
        }
        return sink.size();
    }

    /** Reads {@code body} whole and split at every byte: the cap must not depend on where reads split. */
    private static void assertPasses(String body, int max) throws IOException {
        assertEquals(body.length(), read(body, max, 8192));
        assertEquals(body.length(), read(body, max, 1));
    }

    private static void assertOverCap(String body, int max) {
        for (int readSize : new int[] {8192, 1}) {
            SseBodyWatch.EventTooLargeException e =
                    assertThrows(SseBodyWatch.EventTooLargeException.class, () -> read(body, max, readSize));
            assertEquals(max, e.maxEventBytes());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r", "\r\n"})
    void aBlankLineEndsTheEventWhateverTheLineEnding(String eol) throws IOException {
        String event = "data: 0123456789" + eol + eol; // 16 bytes of field line

        assertPasses(event.repeat(100), 16);
        assertOverCap(event.repeat(2).replace("0123456789", "0123456789!"), 16);
    }

    @Test
    void mixedLineEndingsEndEventsAsWell() throws IOException {
        // LF CR, CRLF CR and CR CRLF blank lines, each ending a 16-byte event.
        assertPasses("data: 0123456789\n\rdata: 0123456789\r\n\rdata: 0123456789\r\r\ndata: 0123456789\n\n", 16);
    }

    @Test
    void theLinesOfOneEventCountTogether() throws IOException {
        String event = "event: x\ndata: 0123\ndata: 4567\n\n"; // 8 + 10 + 10 bytes

        assertPasses(event.repeat(3), 28);
        assertOverCap(event, 27);
    }

    @Test
    void aCommentIsNoPartOfAnEventButItsLineIsCapped() throws IOException {
        String comment = ": " + "c".repeat(14) + "\r\n"; // a 16-byte line

        assertPasses(comment.repeat(50) + "data: 0123456789\r\n" + comment + "\r\n", 16);
        assertOverCap(": " + "c".repeat(15) + "\r\n", 16);
    }

    @Test
    void aLineThatNeverEndsIsCutAtTheCap() {
        assertOverCap("data: " + "x".repeat(100), 64);
    }

    @Test
    void theBytesBeforeTheCapIsPassedAreReadAndTheNextReadFails() throws IOException {
        Source watched = SseBodyWatch.watch(new Buffer().writeUtf8("data: ok\n\ndata: " + "x".repeat(100)), 16, null);
        Buffer sink = new Buffer();

        assertEquals(26, watched.read(sink, 8192));
        assertEquals("data: ok\n\ndata: " + "x".repeat(10), sink.readUtf8());
        assertThrows(SseBodyWatch.EventTooLargeException.class, () -> watched.read(sink, 8192));
    }

    @Test
    void everyReadIsToldToTheListener() throws IOException {
        AtomicInteger reads = new AtomicInteger();
        Source watched = SseBodyWatch.watch(new Buffer().writeUtf8(": ping\n\n"), 1024, reads::incrementAndGet);

        watched.read(new Buffer(), 3);
        watched.read(new Buffer(), 3);

        assertEquals(2, reads.get());
    }
}
