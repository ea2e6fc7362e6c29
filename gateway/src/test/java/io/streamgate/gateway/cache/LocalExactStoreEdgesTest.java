package io.streamgate.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.streamgate.llm.Usage;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The memory store's own edges: the TTL to the nanosecond, weights, purge; the cases both stores share are in {@link LocalExactStoreTest}. */
class LocalExactStoreEdgesTest {

    /** Caffeine's clock, moved by hand. */
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = nanos::get;

    private static CachedAnswer answer(String text) {
        CachedAnswer.Builder b = new CachedAnswer.Builder(1 << 20);
        b.add(CachedAnswer.Kind.TEXT, text, 0);
        return b.build("stop", new Usage(1, 1, -1, -1));
    }

    private static CacheKey key(String owner, String exact) {
        return new CacheKey(owner, exact, "scope", "question");
    }

    private static CachedAnswer get(LocalExactStore store, String exact) {
        return store.get(exact).join();
    }

    @Test
    void anEntryIsServedUntilItsTtlAndNeverAfter() {
        LocalExactStore store = new LocalExactStore(Duration.ofSeconds(10), 1 << 20, ticker);
        store.put(key("acme", "k1"), answer("one"));
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        store.put(key("acme", "k2"), answer("two"));
        assertEquals("one", get(store, "k1").text());
        assertEquals(2, store.entries());

        nanos.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
        assertNotNull(get(store, "k1"), "a nanosecond before its TTL");
        nanos.addAndGet(1);
        assertNull(get(store, "k1"), "expired: its TTL after it was written");
        assertEquals("two", get(store, "k2").text(), "reading an entry does not extend another's life");
        assertEquals(1, store.entries(), "expired entries are not counted");

        store.put(key("acme", "k2"), answer("two again")); // a write starts its TTL afresh
        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        assertEquals("two again", get(store, "k2").text());
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertNull(get(store, "k2"));
        assertEquals(0, store.entries());
        assertEquals(0, store.bytes());
    }

    @Test
    void theEntriesTogetherStayWithinTheBound() {
        long max = 20_000;
        LocalExactStore store = new LocalExactStore(Duration.ofHours(1), max, ticker);
        for (int i = 0; i < 20; i++) {
            store.put(key("acme", "k" + i), answer(String.valueOf((char) ('a' + i)).repeat(2_000))); // ~4.3 KB each
            assertTrue(store.bytes() <= max, "after " + (i + 1) + ": " + store.bytes());
        }
        assertTrue(store.entries() >= 3 && store.entries() <= 4, "about four fit: " + store.entries());
        long weight = 160 + answer("x".repeat(2_000)).weight();
        assertEquals(store.entries() * weight, store.bytes(), "each weighs its answer and the entry's overhead");
        int present = 0;
        for (int i = 0; i < 20; i++) {
            present += get(store, "k" + i) != null ? 1 : 0;
        }
        assertEquals(store.entries(), present);
    }

    @Test
    void aPurgeRemovesOneOwnersEntriesOnly() {
        LocalExactStore store = new LocalExactStore(Duration.ofHours(1), 1 << 20, ticker);
        store.put(key("acme", "a1"), answer("a1"));
        store.put(key("acme", "a2"), answer("a2"));
        store.put(key("globex", "g1"), answer("g1"));
        store.put(key("*", "s1"), answer("s1"));

        assertEquals(2L, store.purge("acme").join());
        assertNull(get(store, "a1"));
        assertNull(get(store, "a2"));
        assertEquals("g1", get(store, "g1").text());
        assertEquals("s1", get(store, "s1").text());
        assertEquals(2, store.entries());

        assertEquals(0L, store.purge("acme").join(), "nothing left of acme's");
        assertEquals(0L, store.purge("acm").join(), "owners are compared whole");
        assertEquals(1L, store.purge("*").join());
        assertEquals("g1", get(store, "g1").text(), "the shared owner is an owner like any other");
        assertNull(get(store, "unknown"));
    }
}
