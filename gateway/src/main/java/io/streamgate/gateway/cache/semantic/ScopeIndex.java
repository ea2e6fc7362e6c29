package io.streamgate.gateway.cache.semantic;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorUtil;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.ForkJoinPool;

/**
 * The vectors of one scope. Small scopes are searched flat (every vector); from {@link Tuning#graphFrom} live
 * entries on, the scope also gets an HNSW graph (jvector), built a few nodes per add so no single task stalls the
 * thread, and searched once it holds every entry. Confined to the index's thread: no locks.
 *
 * <p>Node ids index two arrays: the entry (null when free or deleted) and the vector (kept while the graph still
 * holds the node). A deleted graph node is only marked; when marks reach a quarter of the live entries the graph
 * drops them (jvector's {@code removeDeletedNodes}, on the index's one-worker pool) and their ids are reused.
 */
final class ScopeIndex {

    /**
     * Sizes and graph parameters (tests use smaller ones). From SemanticBench at 100k entries in one scope: flat search
     * costs about 19 ms of CPU, so a scope gets a graph at 1,024 (flat there is about 0.2 ms); a search beam of 32
     * found 99.8% of near-duplicate hits at 0.7 ms CPU (64: 100% at 1.2 ms).
     */
    record Tuning(int graphFrom, int flatBelow, int minMarked, int maxDegree, int buildBeam, int searchBeam,
            int backlogPerAdd) {
        static final Tuning DEFAULT = new Tuning(1024, 256, 64, 16, 100, 32, 4);
    }

    /** Bytes of a scope's own objects besides its arrays and graph. */
    private static final long OVERHEAD_BYTES = 256;

    final String id;
    private final int dimension;
    private final Tuning tuning;
    private final ForkJoinPool pool;

    private SemanticEntry[] entries = new SemanticEntry[4];
    private VectorFloat<?>[] vectors = new VectorFloat<?>[4];
    private int upper;
    private int[] free = new int[4];
    private int freeCount;
    private int live;
    private long graphBytes;
    private long markedVectorBytes;

    /** Non-null while the scope has a graph. */
    private GraphIndexBuilder builder;
    private GraphSearcher searcher;
    private final BitSet inGraph = new BitSet();
    private int marked;
    /** Ids below this, not yet in the graph, are its backlog; the graph is searched once the cursor reaches it. */
    private int backlogEnd;
    private int backlogCursor;

    private final RandomAccessVectorValues values = new RandomAccessVectorValues() {
        @Override
        public int size() {
            return upper;
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public VectorFloat<?> getVector(int node) {
            return vectors[node];
        }

        @Override
        public boolean isValueShared() {
            return false;
        }

        @Override
        public RandomAccessVectorValues copy() {
            return this;
        }
    };

    ScopeIndex(String id, int dimension, Tuning tuning, ForkJoinPool pool) {
        this.id = id;
        this.dimension = dimension;
        this.tuning = tuning;
        this.pool = pool;
    }

    int live() {
        return live;
    }

    boolean hasGraph() {
        return builder != null;
    }

    /** Whether searches go through the graph (it exists and holds every entry). */
    boolean searchesGraph() {
        return builder != null && backlogCursor >= backlogEnd;
    }

    /** One past the highest node id in use. */
    int idUpperBound() {
        return upper;
    }

    /** Deleted nodes still in the graph, awaiting removal. */
    int marked() {
        return marked;
    }

    /** The estimated heap of this scope's arrays, graph and marked vectors (entries count their own). */
    long bytes() {
        return OVERHEAD_BYTES + 2L * id.length() + 8L * (entries.length + vectors.length) + 4L * free.length
                + graphBytes + markedVectorBytes;
    }

    void add(SemanticEntry entry) {
        int node = freeCount > 0 ? free[--freeCount] : upper++;
        if (node >= entries.length) {
            entries = Arrays.copyOf(entries, entries.length * 2);
            vectors = Arrays.copyOf(vectors, vectors.length * 2);
        }
        entries[node] = entry;
        vectors[node] = entry.vector;
        entry.node = node;
        live++;
        if (builder != null) {
            insert(node);
            drainBacklog(tuning.backlogPerAdd());
        } else if (live >= tuning.graphFrom()) {
            startGraph();
        }
        refreshGraphBytes();
    }

    void remove(SemanticEntry entry) {
        int node = entry.node;
        if (node < 0 || entries[node] != entry) {
            return;
        }
        entries[node] = null;
        live--;
        if (builder != null && inGraph.get(node)) {
            builder.markNodeDeleted(node);
            marked++;
            markedVectorBytes += 4L * dimension + 16;
        } else {
            vectors[node] = null;
            release(node);
        }
        if (builder != null) {
            if (live < tuning.flatBelow()) {
                dropGraph();
            } else if (marked >= Math.max(tuning.minMarked(), live / 4)) {
                removeMarked();
            }
        }
        if (builder == null && upper > 2 * live + 16) {
            compact();
        }
        refreshGraphBytes();
    }

    /** The live, unexpired entry nearest to {@code query}, with its similarity; null when the scope has none. */
    Nearest nearest(VectorFloat<?> query, long now) {
        if (live == 0) {
            return null;
        }
        if (searchesGraph()) {
            return graphNearest(query, now, tuning.searchBeam());
        }
        return flatNearest(query, now);
    }

    record Nearest(SemanticEntry entry, float similarity) {}

    Nearest flatNearest(VectorFloat<?> query, long now) {
        SemanticEntry best = null;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < upper; i++) {
            SemanticEntry e = entries[i];
            if (e == null || e.expired(now)) {
                continue;
            }
            float s = VectorUtil.dotProduct(query, e.vector);
            if (s > bestScore) {
                bestScore = s;
                best = e;
            }
        }
        return best == null ? null : new Nearest(best, bestScore);
    }

    /** The graph's answer with a given search beam (the bench compares beams); only while {@link #searchesGraph}. */
    Nearest graphNearest(VectorFloat<?> query, long now, int beam) {
        searcher.setView(builder.getGraph().getView());
        Bits accept = node -> {
            SemanticEntry e = entries[node];
            return e != null && !e.expired(now);
        };
        var scores = DefaultSearchScoreProvider.exact(query, VectorSimilarityFunction.DOT_PRODUCT, values);
        SearchResult result = searcher.search(scores, 1, beam, 0f, 0f, accept);
        if (result.getNodes().length == 0) {
            return null;
        }
        SemanticEntry e = entries[result.getNodes()[0].node];
        // the graph's score is (1 + dot) / 2; the threshold is judged on the dot product itself
        return new Nearest(e, VectorUtil.dotProduct(query, e.vector));
    }

    /** Every live entry, for a purge (the caller removes them afterwards). */
    void forEachLive(java.util.function.Consumer<SemanticEntry> action) {
        for (int i = 0; i < upper; i++) {
            if (entries[i] != null) {
                action.accept(entries[i]);
            }
        }
    }

    void close() {
        if (builder != null) {
            closeGraph();
        }
    }

    // jvector's Builder takes the hierarchy and refinement settings from a process-wide JMX config; this constructor
    // keeps them explicit (hierarchy on, no final refinement: the graph is never "final")
    @SuppressWarnings("deprecation")
    private void startGraph() {
        var scores = BuildScoreProvider.randomAccessScoreProvider(values, VectorSimilarityFunction.DOT_PRODUCT);
        builder = new GraphIndexBuilder(scores, dimension, tuning.maxDegree(), tuning.buildBeam(), 1.2f, 1.2f, true,
                false, pool, pool);
        searcher = new GraphSearcher(builder.getGraph());
        backlogEnd = upper;
        backlogCursor = 0;
        drainBacklog(tuning.backlogPerAdd());
    }

    private void drainBacklog(int budget) {
        while (budget > 0 && backlogCursor < backlogEnd) {
            int node = backlogCursor++;
            if (entries[node] != null && !inGraph.get(node)) {
                insert(node);
                budget--;
            }
        }
    }

    private void insert(int node) {
        builder.addGraphNode(node, vectors[node]);
        inGraph.set(node);
    }

    private void removeMarked() {
        builder.removeDeletedNodes();
        for (int node = inGraph.nextSetBit(0); node >= 0; node = inGraph.nextSetBit(node + 1)) {
            if (entries[node] == null) {
                inGraph.clear(node);
                vectors[node] = null;
                release(node);
            }
        }
        marked = 0;
        markedVectorBytes = 0;
    }

    private void dropGraph() {
        closeGraph();
        for (int node = inGraph.nextSetBit(0); node >= 0; node = inGraph.nextSetBit(node + 1)) {
            if (entries[node] == null) {
                vectors[node] = null;
                release(node);
            }
        }
        inGraph.clear();
        marked = 0;
        markedVectorBytes = 0;
        backlogEnd = 0;
        backlogCursor = 0;
        compact();
    }

    /** Renumbers the live entries 0..live-1 and shrinks the arrays (flat scopes only: a graph keeps its ids). */
    private void compact() {
        int capacity = Math.max(4, Integer.highestOneBit(Math.max(1, live)) * 2);
        SemanticEntry[] packed = new SemanticEntry[capacity];
        VectorFloat<?>[] packedVectors = new VectorFloat<?>[capacity];
        int n = 0;
        for (int i = 0; i < upper; i++) {
            SemanticEntry e = entries[i];
            if (e != null) {
                e.node = n;
                packed[n] = e;
                packedVectors[n] = e.vector;
                n++;
            }
        }
        entries = packed;
        vectors = packedVectors;
        upper = n;
        free = new int[4];
        freeCount = 0;
    }

    private void closeGraph() {
        try {
            searcher.close();
            builder.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            builder = null;
            searcher = null;
            graphBytes = 0;
        }
    }

    private void release(int node) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = node;
    }

    private void refreshGraphBytes() {
        graphBytes = builder == null ? 0 : builder.ramBytesUsed();
    }
}
