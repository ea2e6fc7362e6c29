package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.gateway.shared.RedisScript;
import io.streamgate.gateway.shared.SharedRedis;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers in the Redis every node shares ({@code STREAMGATE_REDIS_URL}), so an answer one node stored serves the same
 * question on any node.
 *
 * <ul>
 *   <li>Each answer is a string ({@link CachedAnswer#encode}) under its exact key, expiring by itself after the TTL.
 *   <li>Every node's entries together stay within the cache's bound: each store is one script that drops expired
 *       entries and evicts the oldest while the new one does not fit, doing a bounded amount of work per call.
 *   <li>An owner's entries are in a set of their own, so a purge never scans Redis.
 * </ul>
 * All keys share one hash tag, {@code sg:{cache}:}, so the scripts stay in one Redis Cluster slot; owners appear only
 * as hashes. Reads fail at once while Redis is down (the lookup is then {@linkplain CacheResult#SKIPPED skipped});
 * writes are sent without waiting, and those Redis did not take are counted ({@link #writeFailures}). Bytes under a key
 * that are not an answer this node can read are a miss, counted ({@link #unreadable}) and logged once.
 */
public final class RedisExactStore implements ExactStore {

    static final String PREFIX = "sg:{cache}:";
    static final String INDEX = PREFIX + "index";
    static final String SIZES = PREFIX + "sizes";
    /** The most entries one script drops or evicts, and one purge round removes: bounds the time Redis spends. */
    static final int WORK_PER_CALL = 128;
    static final int PURGE_BATCH = 500;
    /** How often this node reads what the cache holds. */
    static final long TOTALS_EVERY_MILLIS = 2_000;
    /** What the put script counts for each entry on top of its answer (keep it equal). */
    private static final int ENTRY_OVERHEAD = 256;
    private static final RedisScript PUT = script("put.lua");
    private static final RedisScript PURGE = script("purge.lua");
    private static final RedisScript TOTALS = script("totals.lua");
    private static final byte[] PREFIX_ARG = ascii(PREFIX);
    private static final Logger log = LoggerFactory.getLogger(RedisExactStore.class);

    private final SharedRedis redis;
    private final int maxChars;
    private final long maxReadBytes;
    private final long maxBytes;
    private final byte[] ttlArg;
    private final byte[] maxBytesArg;
    private final LongAdder writeFailures = new LongAdder();
    private final LongAdder unreadable = new LongAdder();
    private final AtomicBoolean toldUnreadable = new AtomicBoolean();
    private final ScheduledExecutorService totalsReader;
    private volatile long entries;
    private volatile long bytes;

    /** Reads what the cache holds now and every {@link #TOTALS_EVERY_MILLIS} on a thread of its own. */
    public RedisExactStore(SharedRedis redis, CacheSettings settings) {
        this.redis = requireNonNull(redis, "redis");
        requireNonNull(settings, "settings");
        this.maxChars = settings.maxEntryChars();
        // The longest encoding of maxChars: fixed fields, at most a 9-byte piece and 3 UTF-8 bytes per character.
        this.maxReadBytes = 301 + 12L * maxChars;
        this.maxBytes = settings.maxBytes();
        this.ttlArg = ascii(Long.toString(settings.ttl().toMillis()));
        this.maxBytesArg = ascii(Long.toString(maxBytes));
        this.totalsReader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamgate-cache-totals");
            t.setDaemon(true);
            return t;
        });
        totalsReader.scheduleWithFixedDelay(this::readTotals, 0, TOTALS_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The Redis key of the answer stored under {@code exact}. */
    static String entryKey(String exact) {
        return PREFIX + "e:" + exact;
    }

    /** The Redis key of the set of {@code owner}'s entries. */
    static String ownerKey(String owner) {
        return ownerSet(SharedRedis.keyHash(owner));
    }

    private static String ownerSet(String ownerHash) {
        return PREFIX + "o:" + ownerHash;
    }

    /**
     * One read of the entry, of at most the longest answer this node stores: longer bytes are no answer of ours, and
     * are not pulled into memory whole.
     */
    @Override
    public CompletableFuture<CachedAnswer> get(String key) {
        String entry = entryKey(requireNonNull(key, "key"));
        CompletableFuture<byte[]> reply = redis.call(c -> c.getrange(entry, 0, maxReadBytes));
        return reply.handle((value, failure) -> {
            if (failure != null) {
                if (cause(failure) instanceof RedisCommandExecutionException refused
                        && String.valueOf(refused.getMessage()).startsWith("WRONGTYPE")) {
                    return unreadable("not a string"); // Redis is fine: the key holds something else
                }
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            if (value == null || value.length == 0) {
                return null; // a missing key reads as empty
            }
            if (value.length > maxReadBytes) {
                return unreadable("longer than any answer stored");
            }
            try {
                return CachedAnswer.decode(value, maxChars);
            } catch (IllegalArgumentException e) {
                return unreadable(e.getMessage());
            }
        });
    }

    private CachedAnswer unreadable(String why) {
        unreadable.increment();
        if (toldUnreadable.compareAndSet(false, true)) {
            log.warn("answer cache: an entry in Redis is not an answer this node can read ({}); such entries are misses, "
                    + "replaced when their question is answered again (counted in cache_redis_errors_total{{op=\"read\"}})",
                    LogValue.of(why));
        }
        return null;
    }

    /** Sent without waiting; an answer larger than the whole bound is not stored. */
    @Override
    public void put(CacheKey key, CachedAnswer answer) {
        write(key, answer);
    }

    /** {@link #put}, with its outcome: whether Redis stored it (false also when Redis could not be asked). */
    CompletableFuture<Boolean> write(CacheKey key, CachedAnswer answer) {
        requireNonNull(key, "key");
        byte[] value = answer.encode();
        if (value.length + ENTRY_OVERHEAD > maxBytes) {
            return CompletableFuture.completedFuture(false);
        }
        String owner = SharedRedis.keyHash(key.owner());
        CompletableFuture<List<Object>> reply = PUT.run(redis,
                new String[] {INDEX, SIZES, entryKey(key.exact()), ownerSet(owner)},
                PREFIX_ARG, ascii(key.exact()), ascii(owner), value, ttlArg, maxBytesArg, ascii("" + WORK_PER_CALL));
        return reply.handle((r, failure) -> {
            long[] stored = failure == null ? longs(r, 3) : null;
            if (stored == null) {
                writeFailures.increment();
                return false;
            }
            entries = stored[1];
            bytes = stored[2];
            return stored[0] == 1;
        });
    }

    /**
     * In rounds of at most {@link #PURGE_BATCH} entries, each one script, until the owner has none left. Bounded: an
     * owner's entries cannot outnumber what the bound holds, so entries stored while the purge runs may stay.
     */
    @Override
    public CompletableFuture<Long> purge(String owner) {
        String[] keys = {INDEX, SIZES, ownerKey(requireNonNull(owner, "owner"))};
        long rounds = maxBytes / ((long) ENTRY_OVERHEAD * PURGE_BATCH) + 2;
        CompletableFuture<Long> done = new CompletableFuture<>();
        purgeRound(keys, 0, rounds, done);
        return done;
    }

    private void purgeRound(String[] keys, long removed, long roundsLeft, CompletableFuture<Long> done) {
        CompletableFuture<List<Object>> reply = PURGE.run(redis, keys, PREFIX_ARG, ascii("" + PURGE_BATCH));
        reply.whenComplete((r, failure) -> {
            long[] round = failure == null ? longs(r, 2) : null;
            if (round == null) {
                done.completeExceptionally(failure != null ? failure
                        : new IllegalStateException("unexpected reply from the purge script: " + r));
                return;
            }
            long total = removed + round[0];
            if (round[1] == 0 || roundsLeft <= 1) {
                done.complete(total);
            } else {
                purgeRound(keys, total, roundsLeft - 1, done);
            }
        });
    }

    /** Every node's entries, as last read (at most {@link #TOTALS_EVERY_MILLIS} ago, or at this node's last store). */
    @Override
    public long entries() {
        return entries;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    /** Stores Redis did not take: it was down, too slow, or refused the script. */
    public long writeFailures() {
        return writeFailures.sum();
    }

    /** Reads of bytes that were not an answer this node can read. */
    public long unreadable() {
        return unreadable.sum();
    }

    /** Asks Redis what the cache holds, forgetting a batch of expired entries on the way; never waits. */
    void readTotals() {
        CompletableFuture<List<Object>> reply = TOTALS.run(redis, new String[] {INDEX, SIZES},
                PREFIX_ARG, ascii("" + WORK_PER_CALL));
        reply.whenComplete((r, failure) -> {
            long[] totals = failure == null ? longs(r, 2) : null;
            if (totals != null) {
                entries = totals[0];
                bytes = totals[1];
            } // Redis away: the last totals stand until it is back
        });
    }

    @Override
    public void close() {
        totalsReader.shutdownNow();
    }

    /** A script's reply of {@code n} non-negative integers, or {@code null} when it is not one. */
    private static long[] longs(List<Object> reply, int n) {
        if (reply == null || reply.size() != n) {
            return null;
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            if (!(reply.get(i) instanceof Long v) || v < 0) {
                return null;
            }
            values[i] = v;
        }
        return values;
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static RedisScript script(String name) {
        return RedisScript.load(RedisExactStore.class, ScriptOutputType.MULTI, "cache-common.lua", name);
    }
}
