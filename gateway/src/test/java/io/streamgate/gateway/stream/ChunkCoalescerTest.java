package io.streamgate.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.stream.ChunkCoalescer.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkCoalescerTest {

    private final List<StreamEvent> out = new ArrayList<>();
    private final ChunkCoalescer coalescer = new ChunkCoalescer(3, (event, arrival) -> out.add(event));

    @Test
    void firstTextDeltaLeavesAtOnce() {
        coalescer.add(Kind.TEXT, "Hello", 0, false);
        assertEquals(List.of(new StreamEvent.MessageChunk("Hello", 1, false)), out);
        assertFalse(coalescer.hasPending());
    }

    @Test
    void laterDeltasMergeUntilMaxTokens() {
        coalescer.add(Kind.TEXT, "a", 0, false);
        coalescer.add(Kind.TEXT, "b", 0, false);
        coalescer.add(Kind.TEXT, "c", 0, false);
        assertEquals(1, out.size());
        assertTrue(coalescer.hasPending());
        coalescer.add(Kind.TEXT, "d", 0, false);
        assertEquals(new StreamEvent.MessageChunk("bcd", 3, false), out.get(1));
        assertFalse(coalescer.hasPending());
    }

    @Test
    void catchUpIgnoresMaxTokens() {
        coalescer.add(Kind.TEXT, "a", 0, false);
        for (int i = 0; i < 10; i++) {
            coalescer.add(Kind.TEXT, "x", 0, true);
        }
        assertEquals(1, out.size());
        coalescer.flush();
        assertEquals(new StreamEvent.MessageChunk("xxxxxxxxxx", 10, false), out.get(1));
    }

    @Test
    void anotherKindFlushesThePendingRunFirst() {
        coalescer.add(Kind.TEXT, "a", 0, false);
        coalescer.add(Kind.TEXT, "b", 0, false);
        coalescer.add(Kind.THINKING, "hmm", 0, false);
        assertEquals(List.of(
                new StreamEvent.MessageChunk("a", 1, false),
                new StreamEvent.MessageChunk("b", 1, false),
                new StreamEvent.Thinking("hmm")), out);
    }

    @Test
    void finishMarksTheLastChunkFinal() {
        coalescer.add(Kind.TEXT, "a", 0, false);
        coalescer.add(Kind.TEXT, "b", 0, false);
        coalescer.finish();
        assertEquals(new StreamEvent.MessageChunk("b", 1, true), out.get(1));
        assertEquals(2, coalescer.chunksEmitted());
    }

    @Test
    void finishWithNothingPendingSendsAnEmptyFinalChunk() {
        coalescer.add(Kind.TEXT, "a", 0, false);
        coalescer.finish();
        assertEquals(new StreamEvent.MessageChunk("", 0, true), out.get(1));
    }

    @Test
    void finishAfterThinkingFlushesThinkingThenTheFinalChunk() {
        coalescer.add(Kind.THINKING, "t1", 0, false);
        coalescer.add(Kind.THINKING, "t2", 0, false);
        coalescer.finish();
        assertEquals(List.of(
                new StreamEvent.Thinking("t1"),
                new StreamEvent.Thinking("t2"),
                new StreamEvent.MessageChunk("", 0, true)), out);
    }

    @Test
    void eachRunIsTimedFromItsOldestDeltaAndACaughtUpRunIsNotTimed() {
        List<Long> arrivals = new ArrayList<>();
        ChunkCoalescer timed = new ChunkCoalescer(3, (event, arrival) -> arrivals.add(arrival));
        timed.add(Kind.TEXT, "a", 10, false); // first: at once
        timed.add(Kind.TEXT, "b", 20, false);
        timed.add(Kind.TEXT, "c", 30, false);
        timed.flush();
        timed.add(Kind.TEXT, "d", 40, false);
        timed.add(Kind.TEXT, "e", 50, true); // queued behind a slow client
        timed.flush();
        timed.add(Kind.TEXT, "f", 60, false);
        timed.finish();
        timed.finish(); // nothing pending: an empty final chunk
        assertEquals(List.of(10L, 20L, ChunkCoalescer.UNTIMED, 60L, ChunkCoalescer.UNTIMED), arrivals);
    }
}
