package io.streamgate.gateway.cache.semantic;

import static java.util.Objects.requireNonNull;

import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's semantic index: question vectors per scope, each pointing at an exact-cache key.
 *
 * <p>One platform thread ({@value #THREAD_NAME}) does all embedding, searching and mutation, fed by a bounded
 * queue; callers never wait for it. Entries expire after the TTL (an expired entry never matches; the thread
 * removes expired ones after every task and once a second when idle) and the estimated heap is bounded: over it,
 * the oldest entries of any scope go first. Scopes are independent: small ones are searched flat, large ones
 * through an HNSW graph ({@link ScopeIndex}).
 */
public final class SemanticIndex implements AutoCloseable {

    public static final String THREAD_NAME = "streamgate-semantic";

    private static final Logger log = LoggerFactory.getLogger(SemanticIndex.class);
    private static final VectorTypeSupport VECTORS = VectorizationProvider.getInstance().getVectorTypeSupport();
    /** Expired entries removed per task (and per idle second), so no task does unbounded work. */
    private static final int EXPIRE_BATCH = 1024;
    private static final long IDLE_SWEEP_MS = 1000;

    private final Embedder embedder;
    private final SemanticSettings settings;
    private final LongSupplier nanoClock;
    private final ScopeIndex.Tuning tuning;
    private final long ttlNanos;
    private final BlockingQueue<Task> queue;
    private final ForkJoinPool cleanupPool;
    private final Thread thread;

    // owned by the thread
    private final Map<String, ScopeIndex> scopes = new HashMap<>();
    /** Every entry, oldest first (one TTL for all, and a replaced entry moves to the end). */
    private final LinkedHashMap<EntryId, SemanticEntry> byAge = new LinkedHashMap<>();
    private long entryBytes;
    private long scopeBytes;

    // readable from any thread
    private volatile int size;
    private volatile long bytes;
    private volatile boolean closed;
    private final AtomicLong rejected = new AtomicLong();

    public SemanticIndex(Embedder embedder, SemanticSettings settings, LongSupplier nanoClock) {
        this(embedder, settings, nanoClock, ScopeIndex.Tuning.DEFAULT);
    }

    SemanticIndex(Embedder embedder, SemanticSettings settings, LongSupplier nanoClock, ScopeIndex.Tuning tuning) {
        this.embedder = requireNonNull(embedder, "embedder");
        this.settings = requireNonNull(settings, "settings");
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.tuning = requireNonNull(tuning, "tuning");
        this.ttlNanos = settings.ttl().toNanos();
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        // jvector's removal of deleted graph nodes runs on a pool; one worker, and the index's thread waits for it
        this.cleanupPool = new ForkJoinPool(1, pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName(THREAD_NAME + "-cleanup");
            t.setDaemon(true);
            return t;
        }, null, false);
        this.thread = Thread.ofPlatform().daemon().name(THREAD_NAME).unstarted(this::run);
        thread.start();
    }

    /**
     * Embeds {@code text} (normalised by {@link SemanticText}) on the index's thread and searches {@code scope}.
     * Returns at once and completes on that thread; fails at once with {@link SemanticBusyException} when the
     * queue is full. A future cancelled before its turn is skipped without embedding.
     */
    public CompletableFuture<Probe> probe(String owner, String scope, String text) {
        requireNonNull(owner, "owner");
        requireNonNull(scope, "scope");
        requireNonNull(text, "text");
        return call(() -> search(scope, embed(text), nanoClock.getAsLong()));
    }

    /**
     * Adds an entry, on the index's thread: {@code vector} may be null, then {@code text} is embedded there first.
     * The same scope and key again replaces the entry. Dropped (and counted in {@link #rejected()}) when the queue
     * is full.
     */
    public void add(String owner, String scope, String text, float[] vector, String key) {
        requireNonNull(owner, "owner");
        requireNonNull(scope, "scope");
        requireNonNull(key, "key");
        float[] copy;
        if (vector == null) {
            requireNonNull(text, "text (no vector)");
            copy = null;
        } else {
            if (vector.length != embedder.dimensions()) {
                throw new IllegalArgumentException(
                        "vector has " + vector.length + " dimensions, not " + embedder.dimensions());
            }
            copy = vector.clone();
        }
        long now = nanoClock.getAsLong(); // the TTL runs from the call, not from when the thread gets to it
        submit(() -> insert(owner, scope, key, copy != null ? copy : embed(text), now));
    }

    /** Removes one entry (its answer is gone from the exact store). Dropped when the queue is full. */
    public void remove(String scope, String key) {
        EntryId id = new EntryId(requireNonNull(scope, "scope"), requireNonNull(key, "key"));
        submit(() -> {
            SemanticEntry e = byAge.remove(id);
            if (e != null) {
                unlink(e);
            }
        });
    }

    /** Removes every entry of an owner (a tenant, or "*"); completes with how many. */
    public CompletableFuture<Integer> purge(String owner) {
        requireNonNull(owner, "owner");
        return call(() -> {
            List<SemanticEntry> gone = new ArrayList<>();
            for (Iterator<SemanticEntry> it = byAge.values().iterator(); it.hasNext(); ) {
                SemanticEntry e = it.next();
                if (e.owner.equals(owner)) {
                    it.remove();
                    gone.add(e);
                }
            }
            gone.forEach(SemanticIndex.this::unlink);
            return gone.size();
        });
    }

    /**
     * Runs {@code work} on the index's thread and completes the future with its result; fails it at once when the
     * queue is full, and when the index closes first. A future already done when its turn comes (cancelled, or given
     * up on) is skipped.
     */
    private <T> CompletableFuture<T> call(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Task task = new Task() {
            @Override
            public void run() {
                if (result.isDone()) {
                    return;
                }
                try {
                    result.complete(work.get());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            }

            @Override
            public void abandon() {
                result.completeExceptionally(new SemanticBusyException("semantic index closed"));
            }
        };
        if (!submit(task)) {
            result.completeExceptionally(refusal());
        }
        return result;
    }

    private SemanticBusyException refusal() {
        return new SemanticBusyException(closed ? "semantic index closed" : "semantic index queue full");
    }

    /** Live entries (some may have expired and await removal). */
    public int size() {
        return size;
    }

    /** Estimated heap bytes of the entries (vectors, keys) and of the scopes' arrays and graphs. */
    public long bytes() {
        return bytes;
    }

    /** Tasks refused because the queue was full (probes, adds, removes, purges). */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cleanupPool.shutdownNow();
    }

    private boolean submit(Task task) {
        if (closed || !queue.offer(task)) {
            rejected.incrementAndGet();
            return false;
        }
        if (closed && queue.remove(task)) {
            // the thread may have drained the queue already: nobody else will answer this task
            task.abandon();
        }
        return true;
    }

    private void run() {
        try {
            while (!closed) {
                Task task = queue.poll(IDLE_SWEEP_MS, TimeUnit.MILLISECONDS);
                if (task != null) {
                    try {
                        task.run();
                    } catch (Throwable e) {
                        log.warn("semantic index task failed", e);
                    }
                }
                expire(nanoClock.getAsLong());
                publish();
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            for (Task task; (task = queue.poll()) != null; ) {
                task.abandon();
            }
            scopes.values().forEach(ScopeIndex::close);
            scopes.clear();
            byAge.clear();
        }
    }

    private float[] embed(String text) {
        float[] v = embedder.embed(SemanticText.of(text, settings.maxTextChars()));
        if (v.length != embedder.dimensions()) {
            throw new IllegalStateException("embedder returned " + v.length + " dimensions, not " + embedder.dimensions());
        }
        return v;
    }

    private Probe search(String scopeId, float[] vector, long now) {
        ScopeIndex scope = scopes.get(scopeId);
        ScopeIndex.Nearest nearest = scope == null ? null : scope.nearest(VECTORS.createFloatVector(vector), now);
        if (nearest == null) {
            return new Probe(null, 0, vector);
        }
        double similarity = nearest.similarity();
        return similarity >= settings.threshold()
                ? new Probe(nearest.entry().key, similarity, vector)
                : new Probe(null, similarity, vector);
    }

    private void insert(String owner, String scopeId, String key, float[] vector, long now) {
        EntryId id = new EntryId(scopeId, key);
        SemanticEntry old = byAge.remove(id);
        if (old != null) {
            unlink(old);
        }
        ScopeIndex scope = scopes.computeIfAbsent(scopeId, s -> {
            ScopeIndex created = new ScopeIndex(s, embedder.dimensions(), tuning, cleanupPool);
            scopeBytes += created.bytes();
            return created;
        });
        SemanticEntry entry = new SemanticEntry(owner, scope, key, VECTORS.createFloatVector(vector), now + ttlNanos);
        long before = scope.bytes();
        scope.add(entry);
        scopeBytes += scope.bytes() - before;
        entryBytes += entry.bytes;
        byAge.put(id, entry);
        while (entryBytes + scopeBytes > settings.maxBytes() && !byAge.isEmpty()) {
            unlink(removeOldest());
        }
    }

    private void expire(long now) {
        for (int i = 0; i < EXPIRE_BATCH && !byAge.isEmpty(); i++) {
            SemanticEntry oldest = byAge.firstEntry().getValue();
            if (!oldest.expired(now)) {
                return;
            }
            unlink(removeOldest());
        }
    }

    private SemanticEntry removeOldest() {
        return byAge.pollFirstEntry().getValue();
    }

    /** Takes an entry (already out of {@link #byAge}) out of its scope, dropping the scope when it is empty. */
    private void unlink(SemanticEntry entry) {
        ScopeIndex scope = entry.scope;
        long before = scope.bytes();
        scope.remove(entry);
        scopeBytes += scope.bytes() - before;
        entryBytes -= entry.bytes;
        if (scope.live() == 0) {
            scopeBytes -= scope.bytes();
            scope.close();
            scopes.remove(scope.id);
        }
    }

    private void publish() {
        size = byAge.size();
        bytes = entryBytes + scopeBytes;
    }

    private record EntryId(String scope, String key) {}

    private interface Task extends Runnable {
        default void abandon() {}
    }
}
