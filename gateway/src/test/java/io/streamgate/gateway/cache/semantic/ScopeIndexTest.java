package io.streamgate.gateway.cache.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The graph side of a scope: promotion, searching through the graph, deletions and their removal, demotion. */
class ScopeIndexTest {

    private static final int DIMENSIONS = 16;
    private static final ScopeIndex.Tuning SMALL = new ScopeIndex.Tuning(32, 8, 4, 8, 32, 32, 2);

    private final ForkJoinPool pool = new ForkJoinPool(1);
    private final FakeEmbedder embedder = new FakeEmbedder(DIMENSIONS);
    private final ScopeIndex scope = new ScopeIndex("scope", DIMENSIONS, SMALL, pool);

    @AfterEach
    void close() {
        scope.close();
        pool.shutdownNow();
    }

    private SemanticEntry entry(int i, long expiresAt) {
        VectorFloat<?> v = VectorizationProvider.getInstance().getVectorTypeSupport()
                .createFloatVector(embedder.embed("question " + i));
        return new SemanticEntry("t", scope, "key-" + i, v, expiresAt);
    }

    private void assertFinds(SemanticEntry e) {
        ScopeIndex.Nearest nearest = scope.nearest(e.vector, 0);
        assertSame(e, nearest.entry(), e.key);
        assertEquals(1.0, nearest.similarity(), 1e-5);
    }

    @Test
    void aScopeGrowsAGraphFinishesItAddByAddAndSearchesIt() {
        List<SemanticEntry> entries = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            entries.add(entry(i, Long.MAX_VALUE));
            scope.add(entries.getLast());
        }
        assertFalse(scope.hasGraph(), "flat below graphFrom");
        entries.add(entry(31, Long.MAX_VALUE));
        scope.add(entries.getLast());
        assertTrue(scope.hasGraph());
        assertFalse(scope.searchesGraph(), "a backlog of 32, two nodes per add");
        entries.forEach(this::assertFinds); // flat meanwhile

        for (int i = 32; i < 64 && !scope.searchesGraph(); i++) {
            entries.add(entry(i, Long.MAX_VALUE));
            scope.add(entries.getLast());
        }
        assertTrue(scope.searchesGraph(), "the backlog drained");
        entries.forEach(this::assertFinds);
    }

    @Test
    void deletedNodesNeverMatchAndAreRemovedFromTheGraphInBatches() {
        List<SemanticEntry> entries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            entries.add(entry(i, Long.MAX_VALUE));
            scope.add(entries.getLast());
        }
        assertTrue(scope.searchesGraph());

        SemanticEntry gone = entries.removeFirst();
        scope.remove(gone);
        assertEquals(1, scope.marked(), "marked, not yet removed");
        assertNotEquals(gone, scope.nearest(gone.vector, 0).entry());

        // 40 marked of 160 live (a quarter): the graph drops them and their ids are reused
        for (int i = 0; i < 38; i++) {
            scope.remove(entries.removeFirst());
        }
        assertEquals(39, scope.marked());
        scope.remove(entries.removeFirst());
        assertEquals(0, scope.marked(), "marked nodes were removed from the graph");
        assertEquals(160, scope.live());
        for (int i = 200; i < 240; i++) {
            entries.add(entry(i, Long.MAX_VALUE));
            scope.add(entries.getLast());
        }
        assertEquals(200, scope.idUpperBound(), "the removed nodes' ids were reused");
        entries.forEach(this::assertFinds);
    }

    @Test
    void expiredEntriesAreSkippedByTheGraphSearch() {
        for (int i = 0; i < 100; i++) {
            scope.add(entry(i, Long.MAX_VALUE));
        }
        SemanticEntry expiring = entry(100, 50);
        scope.add(expiring);
        assertTrue(scope.searchesGraph());
        assertSame(expiring, scope.nearest(expiring.vector, 49).entry());
        assertNotEquals(expiring, scope.nearest(expiring.vector, 50).entry());
    }

    @Test
    void belowFlatBelowTheGraphIsDroppedAndTheScopeCompacted() {
        List<SemanticEntry> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(entry(i, Long.MAX_VALUE));
            scope.add(entries.getLast());
        }
        assertTrue(scope.hasGraph());
        long flatFew = new ScopeIndex("scope", DIMENSIONS, SMALL, pool).bytes();
        while (entries.size() > 7) {
            scope.remove(entries.removeFirst());
        }
        assertFalse(scope.hasGraph());
        entries.forEach(this::assertFinds);
        assertTrue(scope.bytes() < flatFew + 8 * 16 + 64, "arrays shrank: " + scope.bytes());
        while (!entries.isEmpty()) {
            scope.remove(entries.removeFirst());
        }
        assertNull(scope.nearest(entry(1, Long.MAX_VALUE).vector, 0));
    }
}
