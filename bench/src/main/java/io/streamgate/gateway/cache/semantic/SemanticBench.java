package io.streamgate.gateway.cache.semantic;

import com.sun.management.OperatingSystemMXBean;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorUtil;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The semantic index's costs, in one run (a main rather than JMH: it reports percentiles of single operations,
 * recall, and one-off costs such as building 100k entries and loading the model). It lives in the index's package
 * so that it can time one scope's search without the thread hop ({@link ScopeIndex} is package-private).
 *
 * <ol>
 *   <li>Insert N random 384-dimension unit vectors into one scope, as the index's thread does (flat, then the HNSW
 *       graph from 1,024 entries): total time, per-insert percentiles, estimated and measured heap.
 *   <li>Search that scope: the graph and exact flat search, per query, for random queries (the hardest case for a
 *       graph: every vector is almost equally far) and for near-duplicates of a stored vector (cosine about 0.9,
 *       what a paraphrase looks like); recall@1 of the graph against the exact answer.
 *   <li>The alternative design: one graph over all N with a per-scope filter (a scope is 1% of the nodes).
 *   <li>Through {@link SemanticIndex} (queue and thread hop included): a probe's round trip at N entries, with a
 *       precomputed vector, then with the real model (embed + search), and embedding alone with one ONNX intra-op
 *       thread and with ONNX Runtime's default, with this process's CPU per embedding.
 * </ol>
 *
 * <p>Usage: {@code SemanticBench [ENTRIES [QUERIES [PARTS [DATA]]]]}: defaults 100000, 1000,
 * {@code scope,filtered,index} (the parts above: one scope, the filtered single graph, through the index) and
 * {@code lowrank} (vectors near a 32-dimension subspace, as real sentence embeddings are; {@code random} for uniform
 * random unit vectors, on which any graph degrades towards a full scan); see bench/README.md.
 */
public final class SemanticBench {

    private static final int DIMENSIONS = 384;
    private static final VectorTypeSupport VECTORS = VectorizationProvider.getInstance().getVectorTypeSupport();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The hit threshold for "hits found": near-duplicate queries whose exact nearest is at least this close. */
    private static final float HIT = 0.85f;
    private static final int WARM_UP = 200;
    private static final int LOW_RANK = 32;
    /** Queries for the filtered single graph, which is slow (it visits most of the graph to find 1% of nodes). */
    private static final int FILTERED_QUERIES = 50;
    private static final List<String> QUESTIONS = List.of(
            "how do I reset my password",
            "what are your opening hours on Sunday, and do you close early on public holidays?",
            "I ordered a pair of running shoes last week and the tracking page has not changed for four days; "
                    + "the courier says the parcel left the depot but nobody came. Can you check where it is?");

    private SemanticBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        System.out.printf("vectorization: %s; %d cores; load average %s%n",
                VectorizationProvider.getInstance().getClass().getSimpleName(), Runtime.getRuntime().availableProcessors(),
                loadAverage());
        boolean lowRank = !(args.length > 3 && args[3].equals("random"));
        Random random = new Random(42);
        float[][] basis = new float[LOW_RANK][];
        for (int i = 0; i < LOW_RANK; i++) {
            basis[i] = randomUnit(random);
        }
        float[][] data = new float[n][];
        for (int i = 0; i < n; i++) {
            data[i] = lowRank ? lowRank(basis, random) : randomUnit(random);
        }
        System.out.printf("data: %s%n", lowRank ? "unit vectors near a random " + LOW_RANK + "-dimension subspace "
                + "(sentence embeddings have a low intrinsic dimension)" : "uniform random unit vectors (the worst case "
                + "for a graph: every vector almost equally far from every other)");
        float[][] randomQueries = new float[queries][];
        float[][] nearQueries = new float[queries][];
        for (int i = 0; i < queries; i++) {
            randomQueries[i] = randomUnit(random);
            nearQueries[i] = near(data[random.nextInt(n)], random);
        }

        List<String> parts = List.of((args.length > 2 ? args[2] : "scope,filtered,index").split(","));
        ForkJoinPool pool = new ForkJoinPool(1);
        if (parts.contains("scope")) {
            ScopeIndex scope = insert(data, pool);
            search(scope, "random queries", randomQueries);
            search(scope, "near-duplicate queries (cos ~0.9)", nearQueries);
            scope.close();
        }
        if (parts.contains("filtered")) {
            filtered(data, randomQueries, nearQueries);
        }
        if (parts.contains("index")) {
            throughTheIndex(data, randomQueries);
        }
        pool.shutdown();
        System.out.printf("load average at the end: %s (wall-clock figures include waiting for a core when it is "
                + "above the core count; CPU figures do not)%n", loadAverage());
    }

    private static String loadAverage() throws java.io.IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.exists(loadavg) ? Files.readString(loadavg).trim() : "n/a";
    }

    private static ScopeIndex insert(float[][] data, ForkJoinPool pool) {
        long heap0 = usedHeapAfterGc();
        ScopeIndex scope = new ScopeIndex("bench-scope", DIMENSIONS, ScopeIndex.Tuning.DEFAULT, pool);
        long[] times = new long[data.length];
        long[] cpu = new long[data.length];
        long entryBytes = 0;
        long t0 = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < data.length; i++) {
            // a copy, as SemanticIndex.add makes: the measured heap then includes the vectors
            var entry = new SemanticEntry("tenant", scope, key(i), VECTORS.createFloatVector(data[i].clone()),
                    Long.MAX_VALUE);
            long c = THREADS.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            scope.add(entry);
            times[i] = System.nanoTime() - t;
            cpu[i] = THREADS.getCurrentThreadCpuTime() - c;
            entryBytes += entry.bytes;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
        long heap = usedHeapAfterGc() - heap0;
        long estimate = entryBytes + scope.bytes();
        System.out.printf("insert %,d entries into one scope: %.1f s wall, %.1f s CPU (%.0f µs CPU per insert); one "
                        + "insert wall p50 %s p99 %s max %s, CPU p50 %s p99 %s max %s%n", data.length, seconds,
                cpuSeconds, cpuSeconds * 1e6 / data.length, micros(times, 0.5), micros(times, 0.99),
                micros(times, 1.0), micros(cpu, 0.5), micros(cpu, 0.99), micros(cpu, 1.0));
        System.out.printf("heap: estimated %,d bytes (%,d per entry), measured %,d bytes (%,d per entry); "
                        + "graph searched: %s%n", estimate, estimate / data.length, heap, heap / data.length,
                scope.searchesGraph());
        return scope;
    }

    private static void search(ScopeIndex scope, String what, float[][] queries) {
        for (int i = 0; i < Math.min(WARM_UP, queries.length); i++) {
            var v = VECTORS.createFloatVector(queries[i]);
            scope.nearest(v, 0);
            scope.flatNearest(v, 0);
        }
        ScopeIndex.Nearest[] exact = new ScopeIndex.Nearest[queries.length];
        long[] flat = new long[queries.length];
        long[] flatCpu = new long[queries.length];
        for (int i = 0; i < queries.length; i++) {
            var v = VECTORS.createFloatVector(queries[i]);
            long c = THREADS.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            exact[i] = scope.flatNearest(v, 0);
            flat[i] = System.nanoTime() - t;
            flatCpu[i] = THREADS.getCurrentThreadCpuTime() - c;
        }
        System.out.printf("search %,d entries, %s, exact flat: wall p50 %s p99 %s, CPU p50 %s p99 %s%n",
                scope.live(), what, micros(flat, 0.5), micros(flat, 0.99), micros(flatCpu, 0.5), micros(flatCpu, 0.99));
        for (int beam : new int[] {16, 32, 64, 128}) {
            long[] graph = new long[queries.length];
            long[] graphCpu = new long[queries.length];
            int same = 0;
            int closeEnough = 0;
            int hitsFound = 0;
            for (int i = 0; i < queries.length; i++) {
                var v = VECTORS.createFloatVector(queries[i]);
                long c = THREADS.getCurrentThreadCpuTime();
                long t = System.nanoTime();
                var found = scope.graphNearest(v, 0, beam);
                graph[i] = System.nanoTime() - t;
                graphCpu[i] = THREADS.getCurrentThreadCpuTime() - c;
                if (found.entry() == exact[i].entry()) {
                    same++;
                }
                if (exact[i].similarity() >= HIT) {
                    closeEnough++;
                    if (found.similarity() >= HIT) {
                        hitsFound++;
                    }
                }
            }
            System.out.printf("  HNSW beam %3d%s: wall p50 %s p99 %s, CPU p50 %s p99 %s; recall@1 %.1f%%%s%n", beam,
                    beam == ScopeIndex.Tuning.DEFAULT.searchBeam() ? " (default)" : "", micros(graph, 0.5),
                    micros(graph, 0.99), micros(graphCpu, 0.5), micros(graphCpu, 0.99), 100.0 * same / queries.length,
                    closeEnough == 0 ? "" : String.format("; hits found (exact >= %.2f) %.1f%% of %d", HIT,
                            100.0 * hitsFound / closeEnough, closeEnough));
        }
    }

    /** One graph over every entry, each scope a filter on it (1% of the nodes), against the exact answer. */
    @SuppressWarnings("deprecation") // the same explicit construction as ScopeIndex's
    private static void filtered(float[][] data, float[][] randomQueries, float[][] nearQueries) throws Exception {
        List<VectorFloat<?>> vectors = new ArrayList<>(data.length);
        for (float[] d : data) {
            vectors.add(VECTORS.createFloatVector(d));
        }
        var values = new ListRandomAccessVectorValues(vectors, DIMENSIONS);
        var scores = BuildScoreProvider.randomAccessScoreProvider(values, VectorSimilarityFunction.DOT_PRODUCT);
        var single = new ForkJoinPool(1);
        try (var builder = new GraphIndexBuilder(scores, DIMENSIONS, 16, 100, 1.2f, 1.2f, true, false, single, single)) {
            var graph = builder.build(values);
            int stride = 100;
            for (var pass : List.of(new Object[] {"random queries", randomQueries},
                    new Object[] {"near-duplicate queries", nearQueries})) {
                float[][] all = (float[][]) pass[1];
                float[][] queries = Arrays.copyOf(all, Math.min(FILTERED_QUERIES, all.length));
                long[] times = new long[queries.length];
                int same = 0;
                try (var searcher = new GraphSearcher(graph)) {
                    for (int round = 0; round < 2; round++) { // the first round warms up
                        for (int i = 0; i < (round == 0 ? 10 : queries.length); i++) {
                            int scope = i % stride;
                            var q = VECTORS.createFloatVector(queries[i]);
                            long t = System.nanoTime();
                            var result = searcher.search(
                                    DefaultSearchScoreProvider.exact(q, VectorSimilarityFunction.DOT_PRODUCT, values),
                                    1, 64, 0f, 0f, node -> node % stride == scope);
                            times[i] = System.nanoTime() - t;
                            int exact = -1;
                            float best = Float.NEGATIVE_INFINITY;
                            for (int node = scope; node < data.length; node += stride) {
                                float s = VectorUtil.dotProduct(q, vectors.get(node));
                                if (s > best) {
                                    best = s;
                                    exact = node;
                                }
                            }
                            if (round == 1 && result.getNodes().length > 0 && result.getNodes()[0].node == exact) {
                                same++;
                            }
                        }
                    }
                }
                System.out.printf("one graph of %,d with a per-scope filter (1%% of nodes), %s: p50 %s p99 %s; "
                                + "recall@1 %.1f%%%n", data.length, pass[0], micros(times, 0.5), micros(times, 0.99),
                        100.0 * same / queries.length);
            }
        } finally {
            single.shutdown();
        }
    }

    /** Probes through the index: the queue, the thread hop, the search; then with the real model. */
    private static void throughTheIndex(float[][] data, float[][] queries) throws Exception {
        long t0 = System.nanoTime();
        var model = new MiniLmEmbedder();
        System.out.printf("model load (one intra-op thread): %.2f s%n", (System.nanoTime() - t0) / 1e9);
        Embedder embedder = new Embedder() {
            @Override
            public int dimensions() {
                return DIMENSIONS;
            }

            @Override
            public float[] embed(String text) {
                return text.startsWith("#") ? queries[Integer.parseInt(text.substring(1))] : model.embed(text);
            }
        };
        var settings = new SemanticSettings(0.95, Duration.ofHours(1), 1L << 32, data.length + 16, 2000);
        try (var index = new SemanticIndex(embedder, settings, System::nanoTime)) {
            long t = System.nanoTime();
            for (int i = 0; i < data.length; i++) {
                index.add("tenant", "scope", null, data[i], key(i));
            }
            while (index.size() < data.length) {
                LockSupport.parkNanos(1_000_000);
            }
            System.out.printf("index: %,d adds through the queue in %.1f s; bytes() %,d%n", data.length,
                    (System.nanoTime() - t) / 1e9, index.bytes());
            for (int i = 0; i < Math.min(WARM_UP, queries.length); i++) {
                index.probe("tenant", "scope", "#" + i).get(10, TimeUnit.SECONDS);
            }
            long[] times = new long[queries.length];
            for (int i = 0; i < queries.length; i++) {
                long s = System.nanoTime();
                index.probe("tenant", "scope", "#" + i).get(10, TimeUnit.SECONDS);
                times[i] = System.nanoTime() - s;
            }
            System.out.printf("probe round trip, precomputed vector, %,d entries (a miss): p50 %s p99 %s%n",
                    data.length, micros(times, 0.5), micros(times, 0.99));
            for (String question : QUESTIONS) {
                times = new long[300];
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < times.length; i++) {
                        long s = System.nanoTime();
                        index.probe("tenant", "scope", question).get(10, TimeUnit.SECONDS);
                        times[i] = System.nanoTime() - s;
                    }
                }
                System.out.printf("probe round trip, embed + search, %,d entries, %d-char question: p50 %s p99 %s%n",
                        data.length, question.length(), micros(times, 0.5), micros(times, 0.99));
            }
        }
        t0 = System.nanoTime();
        var pooled = new MiniLmEmbedder(0);
        System.out.printf("model load (ONNX Runtime's default threads): %.2f s%n", (System.nanoTime() - t0) / 1e9);
        embedCompared(model, pooled);
    }

    /**
     * Embedding alone, one intra-op thread against ONNX Runtime's default, in alternating blocks of 50 calls so that
     * both see the same machine; CPU is this process's (ONNX Runtime's own threads included) over each block.
     */
    private static void embedCompared(Embedder single, Embedder pooled) {
        Embedder[] embedders = {single, pooled};
        int block = 50;
        int blocks = 6;
        for (String question : QUESTIONS) {
            for (int i = 0; i < 100; i++) {
                single.embed(question);
                pooled.embed(question);
            }
            long[][] times = new long[2][block * blocks];
            long[] cpu = new long[2];
            for (int b = 0; b < blocks; b++) {
                for (int which = 0; which < 2; which++) {
                    long c = OS.getProcessCpuTime();
                    for (int i = 0; i < block; i++) {
                        long s = System.nanoTime();
                        embedders[which].embed(question);
                        times[which][b * block + i] = System.nanoTime() - s;
                    }
                    cpu[which] += OS.getProcessCpuTime() - c;
                }
            }
            for (int which = 0; which < 2; which++) {
                System.out.printf("embed, %s, %d chars: wall p50 %s p99 %s; process CPU %.2f ms per embedding%n",
                        which == 0 ? "one intra-op thread" : "ONNX Runtime's default threads", question.length(),
                        micros(times[which], 0.5), micros(times[which], 0.99), cpu[which] / 1e6 / (block * blocks));
            }
        }
    }

    private static String key(int i) {
        return String.format("%064x", i);
    }

    private static float[] randomUnit(Random random) {
        float[] v = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return normalise(v);
    }

    /** A unit vector in the span of {@code basis} plus isotropic noise (about 0.96 of it in the span). */
    private static float[] lowRank(float[][] basis, Random random) {
        float[] v = new float[DIMENSIONS];
        for (float[] b : basis) {
            float z = (float) random.nextGaussian();
            for (int i = 0; i < DIMENSIONS; i++) {
                v[i] += z * b[i];
            }
        }
        normalise(v);
        float[] noise = randomUnit(random);
        for (int i = 0; i < DIMENSIONS; i++) {
            v[i] += 0.3f * noise[i];
        }
        return normalise(v);
    }

    /** A vector at cosine about 0.9 from {@code v}. */
    private static float[] near(float[] v, Random random) {
        double sigma = Math.sqrt((1 / 0.81 - 1) / DIMENSIONS);
        float[] out = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            out[i] = v[i] + (float) (sigma * random.nextGaussian());
        }
        return normalise(out);
    }

    private static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    private static String micros(long[] nanos, double quantile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int at = Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1);
        return String.format("%.1f µs", sorted[Math.max(0, at)] / 1e3);
    }
}
