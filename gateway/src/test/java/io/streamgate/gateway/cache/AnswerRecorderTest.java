package io.streamgate.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AnswerRecorderTest {

    private static final long MS = 1_000_000;
    private static final Usage USAGE = new Usage(4, 2, -1, -1);
    private static final CacheKey KEY = new CacheKey("acme", "exact-key", "scope", "q?");

    /** An exact store that keeps what it is given, in order. */
    private static final class RecordingStore implements ExactStore {
        final List<CacheKey> keys = new ArrayList<>();
        final List<CachedAnswer> answers = new ArrayList<>();

        @Override
        public CompletableFuture<CachedAnswer> get(String key) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void put(CacheKey key, CachedAnswer answer) {
            keys.add(key);
            answers.add(answer);
        }

        @Override
        public CompletableFuture<Long> purge(String owner) {
            return CompletableFuture.completedFuture(0L);
        }

        @Override
        public long entries() {
            return answers.size();
        }

        @Override
        public long bytes() {
            return 0;
        }
    }

    private final RecordingStore store = new RecordingStore();
    private long now = 50 * MS;

    private AnswerRecorder recorder(int maxEntryBytes) {
        CacheSettings settings = new CacheSettings(CacheSettings.Mode.EXACT, false, Duration.ofHours(1), 1 << 20,
                maxEntryBytes, CacheSettings.DEFAULT_SEMANTIC_THRESHOLD, 1 << 20, Duration.ofMillis(10),
                CacheSettings.Pacing.INSTANT);
        AnswerCache cache = new AnswerCache(settings, store, null,
                new CacheMetrics(new PrometheusRegistry(), CacheMetrics.Sizes.NONE, CacheMetrics.Sizes.NONE), () -> now);
        return cache.recorder(KEY, null);
    }

    private AnswerRecorder recorder() {
        return recorder(1 << 10);
    }

    private void feed(AnswerRecorder recorder, UpstreamEvent... events) {
        for (UpstreamEvent e : events) {
            recorder.record(e);
            now += 10 * MS;
        }
    }

    private static UpstreamEvent text(String t) {
        return new UpstreamEvent.TextDelta(t);
    }

    private static UpstreamEvent.Completed end(String reason) {
        return new UpstreamEvent.Completed(reason, USAGE);
    }

    private static UpstreamEvent.Failed failed() {
        return new UpstreamEvent.Failed(new UpstreamError(ErrorCode.UPSTREAM_ERROR, "cut", true, 0));
    }

    @Test
    void anAnswerThatStopsIsStoredWithItsPiecesAndTimes() {
        AnswerRecorder r = recorder();
        feed(r, new UpstreamEvent.ThinkingDelta("hmm"), UpstreamEvent.SignedThinking.of("hmm", "sig"),
                text("Hel"), text("lo"), end("stop"));
        assertEquals(List.of(KEY), store.keys);
        CachedAnswer a = store.answers.getFirst();
        assertEquals(3, a.pieces(), "the signature is for the provider's next step; a replay has none");
        assertEquals(CachedAnswer.Kind.THINKING, a.kind(0));
        assertEquals("Hello", a.text());
        assertEquals(0, a.atMillis(0));
        assertEquals(20, a.atMillis(1));
        assertEquals(30, a.atMillis(2));
        assertEquals("stop", a.finishReason());
        assertEquals(USAGE, a.usage());
    }

    @Test
    void anAnswerCutAtItsLengthIsStoredToo() {
        AnswerRecorder r = recorder();
        feed(r, text("a long"), end("length"));
        assertEquals("length", store.answers.getFirst().finishReason());
    }

    @Test
    void aToolCallAFailureOrAnUnreadableEventLeavesNothing() {
        feed(recorder(), text("let me check"), new UpstreamEvent.ToolCall("c1", "calculator", "{}"), end("stop"));
        feed(recorder(), text("half"), failed(), end("stop"));
        feed(recorder(), new UpstreamEvent.RawEvent("data: {}\n\n".getBytes(), 0), text("x"), end("stop"));
        feed(recorder(), text("cut"), end("tool_calls"));
        feed(recorder(), text("cut"), end("cancelled"));
        feed(recorder(), text("cut"), end("content_filter"));
        assertEquals(List.of(), store.answers);
    }

    @Test
    void anAnswerLargerThanAnEntryMayBeIsNotStored() {
        feed(recorder(1024), text("x".repeat(500)), text("y".repeat(12)), end("stop")); // 512 characters fit
        assertEquals(1, store.answers.size());
        feed(recorder(1024), text("x".repeat(500)), text("y".repeat(13)), text("z"), end("stop"));
        assertEquals(1, store.answers.size(), "past half the entry's bytes in characters: not stored");
    }

    @Test
    void nothingAfterTheEndCounts() {
        AnswerRecorder r = recorder();
        feed(r, text("once"), end("stop"), text("more"), end("stop"));
        assertEquals(1, store.answers.size());
        assertEquals("once", store.answers.getFirst().text());
    }

    @Test
    void asASinkItRecordsWhatItForwards() {
        List<UpstreamEvent> forwarded = new ArrayList<>();
        TokenSink downstream = e -> forwarded.add(e);
        TokenSink sink = recorder().sink(downstream);
        List<UpstreamEvent> events = List.of(text("a"), text("b"), end("stop"));
        for (UpstreamEvent e : events) {
            sink.publish(e);
        }
        assertEquals(events, forwarded);
        assertEquals("ab", store.answers.getFirst().text());

        TokenSink failing = recorder().sink(downstream);
        UpstreamEvent.Failed f = failed();
        failing.publish(text("c"));
        failing.publish(f);
        assertSame(f, forwarded.getLast());
        assertEquals(1, store.answers.size());
    }
}
