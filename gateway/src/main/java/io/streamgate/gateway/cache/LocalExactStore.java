package io.streamgate.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Answers in this node's memory (Caffeine): each expires its TTL after it was stored, and together they weigh at
 * most {@code maxBytes} (Caffeine picks what goes by how often and how recently each was used). Thread-safe and non-blocking; upkeep runs on the calling
 * thread, so no pool of Caffeine's own is needed.
 */
public final class LocalExactStore implements ExactStore {

    private record Entry(String owner, CachedAnswer answer) {}

    private final Cache<String, Entry> entries;

    public LocalExactStore(Duration ttl, long maxBytes, Ticker ticker) {
        this.entries = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumWeight(maxBytes)
                .weigher((String key, Entry e) -> 160 + e.answer().weight())
                .executor(Runnable::run)
                .ticker(ticker)
                .build();
    }

    @Override
    public CompletableFuture<CachedAnswer> get(String key) {
        Entry e = entries.getIfPresent(key);
        return CompletableFuture.completedFuture(e == null ? null : e.answer());
    }

    @Override
    public void put(CacheKey key, CachedAnswer answer) {
        entries.put(key.exact(), new Entry(key.owner(), answer));
    }

    @Override
    public CompletableFuture<Long> purge(String owner) {
        long[] removed = {0};
        entries.asMap().entrySet().removeIf(e -> {
            boolean match = e.getValue().owner().equals(owner);
            removed[0] += match ? 1 : 0;
            return match;
        });
        return CompletableFuture.completedFuture(removed[0]);
    }

    /** After pending upkeep, so that expired entries are not counted. */
    @Override
    public long entries() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    @Override
    public long bytes() {
        entries.cleanUp();
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }
}
