package io.streamgate.gateway.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The store in this node's memory, on a clock the test moves. */
class LocalExactStoreTest extends ExactStoreContract {

    private final AtomicLong nanos = new AtomicLong();
    private Duration ttl;

    @Override
    ExactStore newStore(Duration ttl, long maxBytes) {
        this.ttl = ttl;
        return new LocalExactStore(ttl, maxBytes, nanos::get);
    }

    @Override
    void putNow(ExactStore store, CacheKey key, CachedAnswer answer) {
        store.put(key, answer); // at once
    }

    @Override
    void outlive(ExactStore store, CacheKey key) {
        nanos.addAndGet(ttl.toNanos() + 1);
    }

    @Override
    long cost(CachedAnswer answer) {
        return 160 + answer.weight();
    }
}
