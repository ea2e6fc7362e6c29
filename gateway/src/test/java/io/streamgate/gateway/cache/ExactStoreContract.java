package io.streamgate.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ExactStore} does, run on each kind: answers read back whole, replaced, expired after the TTL,
 * kept within the byte bound, and purged by owner.
 */
abstract class ExactStoreContract {

    static final Duration LONG_TTL = Duration.ofHours(1);
    static final long ROOMY = 64L << 20;

    private final List<ExactStore> open = new ArrayList<>();

    /** A new store of this kind, empty: entries live {@code ttl} and weigh at most {@code maxBytes} together. */
    abstract ExactStore newStore(Duration ttl, long maxBytes);

    /** Stores {@code answer} and returns once the store has taken it (or decided not to). */
    abstract void putNow(ExactStore store, CacheKey key, CachedAnswer answer) throws Exception;

    /** Returns once the TTL of the entry under {@code key} has passed. */
    abstract void outlive(ExactStore store, CacheKey key);

    /** What {@code answer} counts against the bound in this kind of store. */
    abstract long cost(CachedAnswer answer);

    @AfterEach
    void closeStores() {
        open.forEach(ExactStore::close);
    }

    final ExactStore store(Duration ttl, long maxBytes) {
        ExactStore store = newStore(ttl, maxBytes);
        open.add(store);
        return store;
    }

    static CacheKey key(String owner, String question) {
        try {
            byte[] exact = MessageDigest.getInstance("SHA-256")
                    .digest((owner + "\0" + question).getBytes(StandardCharsets.UTF_8));
            return new CacheKey(owner, HexFormat.of().formatHex(exact), "scope", question);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An answer of {@code pieces}, 40 ms apart, the last thinking, with known usage. */
    static CachedAnswer answer(String... pieces) {
        CachedAnswer.Builder b = new CachedAnswer.Builder(1 << 20);
        for (int i = 0; i < pieces.length; i++) {
            b.add(i == pieces.length - 1 && pieces.length > 1 ? CachedAnswer.Kind.THINKING : CachedAnswer.Kind.TEXT,
                    pieces[i], i * 40_000_000L);
        }
        return b.build("stop", new Usage(11, 7, Usage.UNKNOWN, 0));
    }

    static CachedAnswer get(ExactStore store, CacheKey key) throws Exception {
        return store.get(key.exact()).get(10, TimeUnit.SECONDS);
    }

    static void assertSameAnswer(CachedAnswer expected, CachedAnswer actual) {
        assertNotNull(actual);
        assertEquals(expected.pieces(), actual.pieces());
        for (int i = 0; i < expected.pieces(); i++) {
            assertEquals(expected.piece(i), actual.piece(i));
            assertEquals(expected.kind(i), actual.kind(i));
            assertEquals(expected.atMillis(i), actual.atMillis(i));
        }
        assertEquals(expected.finishReason(), actual.finishReason());
        assertEquals(expected.usage(), actual.usage());
    }

    @Test
    void aStoredAnswerIsReadBackWholeAndAnUnknownKeyIsAMiss() throws Exception {
        ExactStore store = store(LONG_TTL, ROOMY);
        CachedAnswer stored = answer("Paris ", "is the capital ✓", "thinking about France");
        putNow(store, key("acme", "capital?"), stored);
        assertSameAnswer(stored, get(store, key("acme", "capital?")));
        assertNull(get(store, key("acme", "capital of Spain?")));
        assertNull(get(store, key("globex", "capital?")), "another owner's key");
        Await.until("the store counts one entry", () -> store.entries() == 1);
        assertTrue(store.bytes() >= cost(stored), store.bytes() + " bytes");
    }

    @Test
    void aNewAnswerToTheSameKeyReplacesTheOld() throws Exception {
        ExactStore store = store(LONG_TTL, ROOMY);
        putNow(store, key("acme", "q"), answer("old answer, and a long one at that"));
        CachedAnswer fresh = answer("new");
        putNow(store, key("acme", "q"), fresh);
        assertSameAnswer(fresh, get(store, key("acme", "q")));
        Await.until("one entry, of the new answer's size", () -> store.entries() == 1 && store.bytes() == cost(fresh));
    }

    @Test
    void anEntryExpiresAfterItsTtl() throws Exception {
        ExactStore store = store(Duration.ofMillis(1_500), ROOMY);
        CacheKey key = key("acme", "soon stale");
        putNow(store, key, answer("stale soon"));
        assertNotNull(get(store, key));
        outlive(store, key);
        assertNull(get(store, key));
        Await.until("the expired entry is no longer counted", () -> store.entries() == 0 && store.bytes() == 0);
    }

    @Test
    void theByteBoundEvicts() throws Exception {
        CachedAnswer each = answer("x".repeat(1_000));
        ExactStore store = store(LONG_TTL, 2 * cost(each) + cost(each) / 2); // two fit, three do not
        List<CacheKey> keys = List.of(key("acme", "1"), key("acme", "2"), key("globex", "3"));
        for (CacheKey k : keys) {
            putNow(store, k, each);
        }
        int kept = 0;
        for (CacheKey k : keys) {
            kept += get(store, k) != null ? 1 : 0;
        }
        assertTrue(kept >= 1 && kept <= 2, kept + " kept");
        Await.until("the totals agree", () -> store.entries() == 2 || store.entries() == 1);
        assertTrue(store.bytes() <= 2 * cost(each) + cost(each) / 2, store.bytes() + " bytes");
    }

    @Test
    void anAnswerLargerThanTheWholeBoundIsNotStored() throws Exception {
        CachedAnswer big = answer("y".repeat(10_000));
        ExactStore store = store(LONG_TTL, cost(big) / 2);
        putNow(store, key("acme", "big"), big);
        assertNull(get(store, key("acme", "big")));
        Await.until("nothing is held", () -> store.entries() == 0 && store.bytes() == 0);
    }

    @Test
    void aPurgeRemovesEveryEntryOfThatOwnerAndNoOther() throws Exception {
        ExactStore store = store(LONG_TTL, ROOMY);
        for (String owner : List.of("acme", "globex", "*")) {
            for (int i = 0; i < 3; i++) {
                putNow(store, key(owner, "q" + i), answer(owner + " " + i));
            }
        }
        assertEquals(3, store.purge("acme").get(10, TimeUnit.SECONDS));
        for (int i = 0; i < 3; i++) {
            assertNull(get(store, key("acme", "q" + i)));
            assertNotNull(get(store, key("globex", "q" + i)));
            assertNotNull(get(store, key("*", "q" + i)));
        }
        assertEquals(0, store.purge("acme").get(10, TimeUnit.SECONDS), "nothing left to purge");
        assertEquals(3, store.purge("*").get(10, TimeUnit.SECONDS), "the global scope's entries");
        assertNotNull(get(store, key("globex", "q0")));
        Await.until("only globex's entries are counted", () -> store.entries() == 3);
    }
}
