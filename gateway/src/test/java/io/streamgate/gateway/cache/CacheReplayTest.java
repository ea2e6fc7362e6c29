package io.streamgate.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replay on an embedded event loop whose clock only moves when the test moves it: the replay's own clock and the
 * loop's timers are advanced together.
 */
class CacheReplayTest {

    private static final long MS = 1_000_000;
    private static final Usage USAGE = new Usage(5, 9, -1, -1);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private long now = 7 * MS; // the replay's clock

    {
        channel.freezeTime();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** A consumer's sink: records what it is given, and is above its mark when told to be. */
    private static class Sink implements TokenSink {
        final List<UpstreamEvent> events = new ArrayList<>();
        boolean above;
        boolean gone;
        Runnable resume;
        int batches;
        int openBatches;

        @Override
        public boolean publish(UpstreamEvent event) {
            assertEquals(1, openBatches, "published inside a batch");
            events.add(event);
            return !gone;
        }

        @Override
        public boolean aboveMark() {
            return above;
        }

        @Override
        public void whenBelowMark(Runnable resume) {
            assertNull(this.resume, "one callback at a time");
            this.resume = resume;
        }

        @Override
        public void batchStarted() {
            batches++;
            openBatches++;
        }

        @Override
        public void batchEnded() {
            openBatches--;
        }

        String text() {
            StringBuilder text = new StringBuilder();
            for (UpstreamEvent e : events) {
                if (e instanceof UpstreamEvent.TextDelta t) {
                    text.append(t.text());
                }
            }
            return text.toString();
        }
    }

    /** Pieces of {@code kind} as given: {@code "T:abc"} text, {@code "R:abc"} thinking, each at {@code atMs[i]}. */
    private static CachedAnswer answer(List<String> pieces, int... atMs) {
        CachedAnswer.Builder b = new CachedAnswer.Builder(1 << 20);
        for (int i = 0; i < pieces.size(); i++) {
            String p = pieces.get(i);
            b.add(p.startsWith("R:") ? CachedAnswer.Kind.THINKING : CachedAnswer.Kind.TEXT, p.substring(2),
                    (atMs.length == 0 ? 0 : atMs[i]) * MS);
        }
        return b.build("stop", USAGE);
    }

    private CacheReplay replay(CachedAnswer answer, Sink sink, CacheSettings.Pacing pacing) {
        CacheReplay replay = new CacheReplay(answer, sink, channel.eventLoop(), pacing, () -> now);
        replay.start();
        return replay;
    }

    private void advance(long ms) {
        now += ms * MS;
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    private static UpstreamEvent.Completed completed() {
        return new UpstreamEvent.Completed("stop", USAGE);
    }

    @Test
    void atOnceConsecutivePiecesOfAKindMergeUpTo1024CharactersThenItCompletes() {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pieces.add("T:" + (char) ('a' + i % 26) + "123456789");
        }
        CachedAnswer answer = answer(pieces);
        Sink sink = new Sink();
        replay(answer, sink, CacheSettings.Pacing.INSTANT);
        assertEquals(List.of(), sink.events, "nothing before the caller has the call in hand");
        channel.runPendingTasks();

        assertEquals(4, sink.events.size(), sink.events.toString());
        assertEquals(1020, ((UpstreamEvent.TextDelta) sink.events.get(0)).text().length(), "102 pieces of 10");
        assertEquals(1020, ((UpstreamEvent.TextDelta) sink.events.get(1)).text().length());
        assertEquals(960, ((UpstreamEvent.TextDelta) sink.events.get(2)).text().length());
        assertEquals(completed(), sink.events.get(3));
        assertEquals(answer.text(), sink.text());
        assertEquals(1, sink.batches, "one batch, drained at its end");
        assertEquals(0, sink.openBatches);
    }

    @Test
    void atOnceKindsStayApartAndALongPieceGoesWhole() {
        String longPiece = "x".repeat(3000);
        CachedAnswer answer = answer(List.of("R:Let me ", "R:think.", "T:Hello", "T:" + longPiece, "T: end", "R:hmm"));
        Sink sink = new Sink();
        replay(answer, sink, CacheSettings.Pacing.INSTANT);
        channel.runPendingTasks();
        assertEquals(List.of(new UpstreamEvent.ThinkingDelta("Let me think."), new UpstreamEvent.TextDelta("Hello"),
                new UpstreamEvent.TextDelta(longPiece), new UpstreamEvent.TextDelta(" end"),
                new UpstreamEvent.ThinkingDelta("hmm"), completed()), sink.events);
    }

    @Test
    void atTheOriginalCadenceEachPieceGoesWhenItFirstArrived() {
        CachedAnswer answer = answer(List.of("T:one ", "T:two ", "R:three", "T:four"), 0, 100, 250, 250);
        Sink sink = new Sink();
        replay(answer, sink, CacheSettings.Pacing.ORIGINAL);
        channel.runPendingTasks();
        assertEquals(List.of(new UpstreamEvent.TextDelta("one ")), sink.events, "the first piece at once");

        advance(99);
        assertEquals(1, sink.events.size(), "not before its time");
        advance(1);
        assertEquals(new UpstreamEvent.TextDelta("two "), sink.events.getLast());
        advance(149);
        assertEquals(2, sink.events.size());
        advance(1);
        assertEquals(List.of(new UpstreamEvent.TextDelta("one "), new UpstreamEvent.TextDelta("two "),
                new UpstreamEvent.ThinkingDelta("three"), new UpstreamEvent.TextDelta("four"), completed()),
                sink.events, "pieces due together go together, unmerged, and the end right after the last");
        assertEquals(0, sink.openBatches);
    }

    @Test
    void aSinkAboveItsMarkStopsTheReplayUntilItCallsBack() {
        CachedAnswer answer = answer(List.of("T:a", "R:b", "T:c", "R:d"));
        Sink sink = new Sink() {
            @Override
            public boolean publish(UpstreamEvent event) {
                boolean ok = super.publish(event);
                above = true; // full after every event
                return ok;
            }
        };
        replay(answer, sink, CacheSettings.Pacing.INSTANT);
        channel.runPendingTasks();
        assertEquals(List.of(new UpstreamEvent.TextDelta("a")), sink.events);
        assertTrue(sink.resume != null, "waits for the sink");

        for (int expected = 2; expected <= 5; expected++) {
            channel.runPendingTasks();
            assertEquals(expected - 1, sink.events.size(), "nothing more while above the mark");
            Runnable resume = sink.resume;
            sink.resume = null;
            sink.above = false;
            resume.run();
            channel.runPendingTasks();
            assertEquals(expected, sink.events.size());
        }
        assertInstanceOf(UpstreamEvent.Completed.class, sink.events.getLast());
        assertEquals(0, sink.openBatches);
    }

    @Test
    void aSinkAboveItsMarkAtTheStartGetsNothingUntilItCallsBack() {
        Sink sink = new Sink();
        sink.above = true;
        replay(answer(List.of("T:a")), sink, CacheSettings.Pacing.INSTANT);
        channel.runPendingTasks();
        assertEquals(List.of(), sink.events);
        sink.above = false;
        sink.resume.run();
        channel.runPendingTasks();
        assertEquals(List.of(new UpstreamEvent.TextDelta("a"), completed()), sink.events);
    }

    @Test
    void aCancelStopsItWhereItIs() {
        CachedAnswer answer = answer(List.of("T:one", "T:two", "T:three"), 0, 100, 200);
        Sink sink = new Sink();
        CacheReplay replay = replay(answer, sink, CacheSettings.Pacing.ORIGINAL);
        channel.runPendingTasks();
        advance(100);
        assertEquals(2, sink.events.size());
        replay.cancel();
        advance(1_000);
        assertEquals(2, sink.events.size(), "no piece and no end after the cancel");
        replay.cancel(); // twice is harmless
    }

    @Test
    void aCancelWhileWaitingForTheSinkHoldsWhenItCallsBack() {
        Sink sink = new Sink();
        sink.above = true;
        CacheReplay replay = replay(answer(List.of("T:a")), sink, CacheSettings.Pacing.INSTANT);
        channel.runPendingTasks();
        replay.cancel();
        sink.above = false;
        sink.resume.run();
        channel.runPendingTasks();
        assertEquals(List.of(), sink.events);
    }

    @Test
    void aCancelBeforeTheFirstRunSendsNothing() {
        Sink sink = new Sink();
        CacheReplay replay = replay(answer(List.of("T:a")), sink, CacheSettings.Pacing.INSTANT);
        replay.cancel();
        channel.runPendingTasks();
        assertEquals(List.of(), sink.events);
    }

    @Test
    void aConsumerThatHasGoneGetsNothingMore() {
        Sink sink = new Sink();
        sink.gone = true; // publish answers false: the consumer went away
        replay(answer(List.of("T:a", "R:b", "T:c")), sink, CacheSettings.Pacing.INSTANT);
        channel.runPendingTasks();
        assertEquals(List.of(new UpstreamEvent.TextDelta("a")), sink.events);
        advance(1_000);
        assertEquals(1, sink.events.size());
    }
}
