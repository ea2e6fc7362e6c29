package io.streamgate.gateway.cache.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SemanticIndexTest {

    private static final Duration TTL = Duration.ofMinutes(10);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<SemanticIndex> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(SemanticIndex::close);
    }

    private SemanticIndex index(FakeEmbedder embedder, double threshold, long maxBytes, int queueCapacity) {
        var index = new SemanticIndex(embedder, new SemanticSettings(threshold, TTL, maxBytes, queueCapacity, 200),
                clock::get);
        opened.add(index);
        return index;
    }

    private SemanticIndex index(FakeEmbedder embedder) {
        return index(embedder, 0.9, 1 << 20, 64);
    }

    private static Probe get(CompletableFuture<Probe> probe) throws Exception {
        return probe.get(20, TimeUnit.SECONDS);
    }

    private static FakeEmbedder axes() {
        return new FakeEmbedder(4)
                .with("a", 1, 0, 0, 0)
                .with("b", 0, 1, 0, 0)
                .with("c", 0, 0, 1, 0)
                .with("d", 0, 0, 0, 1);
    }

    @Test
    void aQuestionMatchesInItsOwnScopeOnly() throws Exception {
        var index = index(axes());
        index.add("t1", "scope-1", "a", null, "key-a");

        Probe same = get(index.probe("t1", "scope-1", "a"));
        assertTrue(same.hit());
        assertEquals("key-a", same.key());
        assertEquals(1.0, same.similarity(), 1e-6);
        assertEquals(4, same.vector().length);

        Probe other = get(index.probe("t1", "scope-2", "a"));
        assertFalse(other.hit());
        assertNull(other.key());
        assertEquals(4, other.vector().length, "the vector is returned on a miss too");
    }

    @Test
    void aSimilarityExactlyAtTheThresholdHitsAndJustBelowItMisses() throws Exception {
        var embedder = axes().with("near", 0.6f, 0.8f, 0, 0);
        double atThreshold = 0.6f; // the dot product of (1,0,0,0) and (0.6,0.8,0,0), exactly
        var at = index(embedder, atThreshold, 1 << 20, 8);
        var above = index(embedder, Math.nextUp(atThreshold), 1 << 20, 8);
        at.add("t", "s", "a", null, "key-a");
        above.add("t", "s", "a", null, "key-a");

        Probe hit = get(at.probe("t", "s", "near"));
        assertTrue(hit.hit());
        assertEquals(atThreshold, hit.similarity());

        Probe miss = get(above.probe("t", "s", "near"));
        assertFalse(miss.hit());
        assertEquals(atThreshold, miss.similarity(), "a miss reports the nearest similarity");
    }

    @Test
    void anEntryMatchesUntilItsTtlAndIsThenRemoved() throws Exception {
        var index = index(axes());
        index.add("t", "s", "a", null, "key-a");
        clock.addAndGet(TTL.toNanos() - 1);
        assertTrue(get(index.probe("t", "s", "a")).hit());

        clock.addAndGet(1);
        assertFalse(get(index.probe("t", "s", "a")).hit(), "expired at its TTL");
        Await.until("the expired entry is removed", () -> index.size() == 0 && index.bytes() == 0);
    }

    @Test
    void anIdleIndexStillRemovesExpiredEntries() throws Exception {
        var index = index(axes());
        index.add("t", "s", "a", null, "key-a");
        Await.until("the entry is in", () -> index.size() == 1);
        clock.addAndGet(TTL.toNanos());
        Await.until("the idle sweep removes it", () -> index.size() == 0);
    }

    @Test
    void overTheByteBoundTheOldestEntriesOfAnyScopeGoFirst() throws Exception {
        // what three entries in three scopes cost, measured on an unbounded index
        var reference = index(axes());
        reference.add("t", "s1", "a", null, "key-1");
        reference.add("t", "s2", "b", null, "key-2");
        reference.add("t", "s3", "c", null, "key-3");
        Await.until("three entries", () -> reference.size() == 3);
        long threeEntries = reference.bytes();

        var index = index(axes(), 0.9, threeEntries, 64);
        index.add("t", "s1", "a", null, "key-1");
        index.add("t", "s2", "b", null, "key-2");
        index.add("t", "s3", "c", null, "key-3");
        assertTrue(get(index.probe("t", "s1", "a")).hit(), "three entries fit");
        index.add("t", "s4", "d", null, "key-4");

        assertFalse(get(index.probe("t", "s1", "a")).hit(), "the oldest entry was evicted");
        assertTrue(get(index.probe("t", "s2", "b")).hit());
        assertTrue(get(index.probe("t", "s3", "c")).hit());
        assertTrue(get(index.probe("t", "s4", "d")).hit());
        Await.until("three entries again", () -> index.size() == 3);
        assertEquals(threeEntries, index.bytes());
    }

    @Test
    void purgeRemovesEveryEntryOfOneOwner() throws Exception {
        var index = index(axes());
        index.add("t1", "s1", "a", null, "key-a");
        index.add("t1", "s2", "b", null, "key-b");
        index.add("t2", "s3", "c", null, "key-c");
        index.add("*", "s4", "d", null, "key-d");

        assertEquals(2, index.purge("t1").get(20, TimeUnit.SECONDS));

        assertFalse(get(index.probe("t1", "s1", "a")).hit());
        assertFalse(get(index.probe("t1", "s2", "b")).hit());
        assertTrue(get(index.probe("t2", "s3", "c")).hit());
        assertTrue(get(index.probe("*", "s4", "d")).hit());
        assertEquals(1, index.purge("*").get(20, TimeUnit.SECONDS));
        assertEquals(0, index.purge("nobody").get(20, TimeUnit.SECONDS));
        Await.until("one entry left", () -> index.size() == 1);
    }

    @Test
    void theSameScopeAndKeyAgainReplacesTheEntry() throws Exception {
        var index = index(axes());
        index.add("t", "s", "a", null, "key");
        index.add("t", "s", "b", null, "key");
        index.add("t", "other", "a", null, "key");

        assertFalse(get(index.probe("t", "s", "a")).hit(), "the old vector is gone");
        assertEquals("key", get(index.probe("t", "s", "b")).key());
        assertEquals("key", get(index.probe("t", "other", "a")).key(), "the same key in another scope is another entry");
        Await.until("two entries", () -> index.size() == 2);
    }

    @Test
    void anAddWithAVectorIsNotEmbeddedAgain() throws Exception {
        var embedder = axes();
        var index = index(embedder);
        Probe miss = get(index.probe("t", "s", "a"));
        index.add("t", "s", "ignored", miss.vector(), "key-a");

        assertEquals("key-a", get(index.probe("t", "s", "a")).key());
        assertEquals(List.of("a", "a"), embedder.texts, "only the two probes were embedded");
        assertThrows(IllegalArgumentException.class, () -> index.add("t", "s", null, new float[3], "k"));
    }

    @Test
    void removeTakesOneEntryOut() throws Exception {
        var index = index(axes());
        index.add("t", "s", "a", null, "key-a");
        index.add("t", "s", "b", null, "key-b");
        index.remove("s", "key-a");
        index.remove("s", "no-such-key");

        assertFalse(get(index.probe("t", "s", "a")).hit());
        assertTrue(get(index.probe("t", "s", "b")).hit());
        Await.until("one entry", () -> index.size() == 1);
    }

    @Test
    void aFullQueueRefusesAProbeAtOnce() throws Exception {
        var embedder = axes().gate("first");
        var index = index(embedder, 0.9, 1 << 20, 1);
        CompletableFuture<Probe> first = index.probe("t", "s", "first");
        embedder.awaitEntered(); // the thread is busy; the queue is empty
        CompletableFuture<Probe> second = index.probe("t", "s", "second");

        CompletableFuture<Probe> third = index.probe("t", "s", "third");
        assertTrue(third.isCompletedExceptionally(), "refused without waiting");
        var failure = assertThrows(ExecutionException.class, third::get);
        assertInstanceOf(SemanticBusyException.class, failure.getCause());
        assertEquals(1, index.rejected());

        embedder.release();
        get(first);
        get(second);
        assertEquals(List.of("first", "second"), embedder.texts);
    }

    @Test
    void aProbeCancelledWhileQueuedIsNotEmbedded() throws Exception {
        var embedder = axes().gate("first");
        var index = index(embedder);
        CompletableFuture<Probe> first = index.probe("t", "s", "first");
        embedder.awaitEntered();
        CompletableFuture<Probe> second = index.probe("t", "s", "second");
        second.cancel(false);
        CompletableFuture<Probe> third = index.probe("t", "s", "third");

        embedder.release();
        get(first);
        get(third);
        assertEquals(List.of("first", "third"), embedder.texts);
    }

    @Test
    void embeddingAndSearchingRunOnTheIndexThreadWithNormalisedText() throws Exception {
        var embedder = axes();
        var index = index(embedder);
        index.add("t", "s", "  how \n do\t\tI   ", null, "key");
        get(index.probe("t", "s", "how do I"));

        get(index.probe("t", "s", "x".repeat(500)));

        assertEquals(List.of("how do I", "how do I", "x".repeat(200)), embedder.texts, "capped at maxTextChars");
        assertEquals(List.of(SemanticIndex.THREAD_NAME, SemanticIndex.THREAD_NAME, SemanticIndex.THREAD_NAME),
                embedder.threads);
    }

    @Test
    void anEmbedderFailureFailsTheProbeOnly() throws Exception {
        var index = index(new FakeEmbedder(4).failOn("boom"));
        var failure = assertThrows(ExecutionException.class, () -> get(index.probe("t", "s", "boom")));
        assertInstanceOf(IllegalStateException.class, failure.getCause());
        index.add("t", "s", "boom", null, "key-boom");
        index.add("t", "s", "fine", null, "key-fine");
        assertTrue(get(index.probe("t", "s", "fine")).hit(), "the thread goes on after a failed task");
    }

    @Test
    void closingFailsWhatIsQueuedAndRefusesWhatComesAfter() throws Exception {
        var embedder = axes().gate("first");
        var index = index(embedder);
        index.probe("t", "s", "first");
        embedder.awaitEntered();
        CompletableFuture<Probe> queued = index.probe("t", "s", "second");
        CompletableFuture<Integer> purge = index.purge("t");

        var closer = Thread.ofPlatform().start(index::close);
        Await.until("the thread is told to stop", () -> closer.getState() == Thread.State.TIMED_WAITING
                || !closer.isAlive());
        embedder.release();
        closer.join(20_000);

        assertInstanceOf(SemanticBusyException.class, assertThrows(ExecutionException.class, queued::get).getCause());
        assertInstanceOf(SemanticBusyException.class, assertThrows(ExecutionException.class, purge::get).getCause());
        assertTrue(index.probe("t", "s", "a").isCompletedExceptionally());
        assertFalse(embedder.texts.contains("second"));
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new SemanticSettings(0, TTL, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SemanticSettings(1.01, TTL, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SemanticSettings(Double.NaN, TTL, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SemanticSettings(0.9, Duration.ZERO, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SemanticSettings(0.9, TTL, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SemanticSettings(0.9, TTL, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SemanticSettings(0.9, TTL, 1, 1, 0));
        assertThrows(NullPointerException.class, () -> new SemanticSettings(0.9, null, 1, 1, 1));
        new SemanticSettings(1, TTL, 1, 1, 1);
    }
}
