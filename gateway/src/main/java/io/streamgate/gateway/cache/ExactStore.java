package io.streamgate.gateway.cache;

import java.util.concurrent.CompletableFuture;

/**
 * Where answers live, by exact key: this node's memory ({@link LocalExactStore}) or Redis, shared by every node.
 * Never blocks: the futures complete on the store's own threads (at once for memory), and a store that cannot
 * answer (Redis down) completes exceptionally rather than waiting.
 */
public interface ExactStore extends AutoCloseable {

    /** The answer stored under {@code key}, or {@code null}; an expired one is never returned. */
    CompletableFuture<CachedAnswer> get(String key);

    /** Stores {@code answer} under {@code key} for the cache's TTL, evicting the oldest entries past the bound. */
    void put(CacheKey key, CachedAnswer answer);

    /** Removes every entry of {@code owner} (a tenant, or {@code *}); completes with how many were removed. */
    CompletableFuture<Long> purge(String owner);

    /** Entries held, as far as this node knows. */
    long entries();

    /** Bytes held, as far as this node knows. */
    long bytes();

    @Override
    default void close() {}
}
