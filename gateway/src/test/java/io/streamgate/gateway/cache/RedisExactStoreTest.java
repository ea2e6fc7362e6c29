package io.streamgate.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.shared.SharedRedis;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.RedisProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store on a real Redis: the contract, then what only a store shared by every node does. */
class RedisExactStoreTest extends ExactStoreContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(1); // a loaded machine must not make Redis look down

    private final RedisProcess server = RedisProcess.start();
    private final List<SharedRedis> connections = new ArrayList<>();
    private final SharedRedis admin = connect("admin");

    @AfterEach
    void stopRedis() {
        connections.forEach(SharedRedis::close);
        server.close();
    }

    private SharedRedis connect(String nodeId) {
        SharedRedis redis = SharedRedis.connect(new GatewayConfig.RedisSettings(server.url(), false, TIMEOUT, nodeId));
        connections.add(redis);
        Await.until(nodeId + " connected", () -> redis.health().isUp());
        return redis;
    }

    private static CacheSettings settings(Duration ttl, long maxBytes) {
        return new CacheSettings(CacheSettings.Mode.EXACT, false, ttl, maxBytes, 256 << 10,
                CacheSettings.DEFAULT_SEMANTIC_THRESHOLD, 64L << 20, Duration.ofMillis(10), CacheSettings.Pacing.INSTANT);
    }

    /** Each store is a node of its own: its own connection to the one Redis. */
    @Override
    ExactStore newStore(Duration ttl, long maxBytes) {
        return new RedisExactStore(connect("node-" + connections.size()), settings(ttl, maxBytes));
    }

    @Override
    void putNow(ExactStore store, CacheKey key, CachedAnswer answer) throws Exception {
        ((RedisExactStore) store).write(key, answer).get(10, TimeUnit.SECONDS);
    }

    @Override
    void outlive(ExactStore store, CacheKey key) {
        Await.until("Redis expired the entry", () -> redis(c -> c.exists(RedisExactStore.entryKey(key.exact()))) == 0);
    }

    @Override
    long cost(CachedAnswer answer) {
        return answer.encode().length + 256;
    }

    private <T> T redis(Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> command) {
        try {
            return admin.call(command).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private long count(Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<Long>> command) {
        return redis(command);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theBoundEvictsTheOldestFirst() throws Exception {
        CachedAnswer each = answer("z".repeat(1_000));
        ExactStore store = store(LONG_TTL, 2 * cost(each) + cost(each) / 2);
        CacheKey first = key("acme", "1");
        CacheKey second = key("globex", "2");
        CacheKey third = key("acme", "3");
        putNow(store, first, each);
        putNow(store, second, each);
        putNow(store, third, each);
        assertNull(get(store, first), "the oldest went");
        assertNotNull(get(store, second));
        assertNotNull(get(store, third));
        Await.until("two entries are counted", () -> store.entries() == 2 && store.bytes() == 2 * cost(each));
        assertEquals(1, count(c -> c.zcard(RedisExactStore.ownerKey("globex"))), "globex keeps its one entry");
        assertEquals(1, count(c -> c.zcard(RedisExactStore.ownerKey("acme"))), "the evicted left its owner's set");
    }

    @Test
    void theBoundIsOneForEveryNode() throws Exception {
        CachedAnswer each = answer("w".repeat(1_000));
        long bound = 2 * cost(each) + cost(each) / 2;
        ExactStore a = store(LONG_TTL, bound);
        ExactStore b = store(LONG_TTL, bound);
        putNow(a, key("acme", "on a"), each);
        putNow(b, key("acme", "on b"), each);
        assertSameAnswer(each, get(b, key("acme", "on a")));
        assertSameAnswer(each, get(a, key("acme", "on b")));
        putNow(a, key("acme", "on a, later"), each);
        assertNull(get(b, key("acme", "on a")), "node A's third entry evicted the oldest, whoever stored it");
        Await.until("both nodes count every node's entries", () -> a.entries() == 2 && b.entries() == 2);
    }

    @Test
    void bytesUnderAKeyThatAreNotAnAnswerAreAMissNeverAFailure() throws Exception {
        RedisExactStore store = (RedisExactStore) store(LONG_TTL, ROOMY);
        byte[] real = answer("a real answer").encode();
        Map<String, byte[]> garbage = Map.of(
                "text", bytes("not an answer"),
                "truncated", Arrays.copyOf(real, real.length - 3),
                "too long", Arrays.copyOf(real, 2_000_000)); // longer than any answer of 128K characters encodes to
        long unreadable = 0;
        for (Map.Entry<String, byte[]> g : garbage.entrySet()) {
            CacheKey key = key("acme", g.getKey());
            redis(c -> c.set(RedisExactStore.entryKey(key.exact()), g.getValue()));
            assertNull(get(store, key), g.getKey());
            assertEquals(++unreadable, store.unreadable(), g.getKey());
        }
        CacheKey hash = key("acme", "a hash");
        redis(c -> c.hset(RedisExactStore.entryKey(hash.exact()), "field", bytes("value")));
        assertNull(get(store, hash), "another type under the key");
        assertEquals(++unreadable, store.unreadable());
        assertNull(get(store, hash), "counted each time it is read");
        assertEquals(++unreadable, store.unreadable());

        CacheKey text = key("acme", "text"); // answered again: the answer replaces the garbage
        CachedAnswer fresh = answer("the answer");
        putNow(store, text, fresh);
        assertSameAnswer(fresh, get(store, text));
        assertTrue(admin.health().isUp(), "none of it made Redis look down");
    }

    @Test
    void whileRedisIsDownLookupsFailAtOnceAndStoresAreCountedThenBothWorkAgain() throws Exception {
        RedisExactStore store = (RedisExactStore) store(LONG_TTL, ROOMY);
        CacheKey key = key("acme", "q");
        server.stop();
        SharedRedis node = connections.get(1);
        Await.until("the node sees Redis down", () -> !node.health().isUp());
        CompletableFuture<CachedAnswer> lookup = store.get(key.exact());
        assertTrue(lookup.isCompletedExceptionally(), "failed at once, not after a timeout");
        assertFalse(store.write(key, answer("lost")).get(10, TimeUnit.SECONDS));
        assertEquals(1, store.writeFailures());

        server.startAgain();
        Await.until("the node sees Redis again", () -> node.health().isUp());
        CachedAnswer kept = answer("kept");
        putNow(store, key, kept);
        assertSameAnswer(kept, get(store, key));
        assertEquals(1, store.writeFailures());
    }

    @Test
    void aPurgeGoesOnInBoundedRoundsUntilTheOwnerHasNothingLeft() throws Exception {
        RedisExactStore store = (RedisExactStore) store(LONG_TTL, ROOMY);
        int n = 2 * RedisExactStore.PURGE_BATCH + 7;
        for (int i = 0; i < n; i++) {
            putNow(store, key("acme", "q" + i), answer("a" + i));
        }
        putNow(store, key("globex", "q"), answer("g"));
        assertEquals(n + 1, count(c -> c.zcard(RedisExactStore.INDEX)));
        assertEquals(n, store.purge("acme").get(10, TimeUnit.SECONDS));
        assertEquals(0, count(c -> c.exists(RedisExactStore.ownerKey("acme"))));
        assertEquals(1, count(c -> c.zcard(RedisExactStore.INDEX)));
        assertNotNull(get(store, key("globex", "q")));
    }

    @Test
    void everyKeyIsTheCachesExpiresAndNamesNoOwner() throws Exception {
        ExactStore store = store(LONG_TTL, ROOMY);
        putNow(store, key("acme corp", "q1"), answer("one"));
        putNow(store, key("*", "q2"), answer("two"));
        List<String> keys = redis(c -> c.keys("*"));
        assertEquals(6, keys.size(), keys.toString()); // two entries, two owners' sets, the index and the sizes
        for (String k : keys) {
            assertTrue(k.startsWith("sg:{cache}:"), k);
            assertFalse(k.contains("acme") || k.endsWith("*"), k);
            long ttl = redis(c -> c.pttl(k));
            assertTrue(ttl > 0 && ttl <= LONG_TTL.toMillis(), k + " expires in " + ttl);
        }
    }
}
