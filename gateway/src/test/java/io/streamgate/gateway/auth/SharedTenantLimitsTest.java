package io.streamgate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.auth.TenantAdmission.Decision;
import io.streamgate.gateway.auth.TenantAdmission.Refusal;
import io.streamgate.gateway.auth.TenantAdmission.Slot;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.shared.SharedRedis;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.RedisProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared limits against a real Redis: the scripts' edge cases, leases, and the fall back to node-local limits. */
class SharedTenantLimitsTest {

    // Generous for a loaded test machine: a command slower than the timeout would make a node decide locally.
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SHORT_LEASE = Duration.ofMillis(1_500);

    private final RedisProcess server = RedisProcess.start();
    private final SharedRedis admin = connect("admin", TIMEOUT);
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<SharedRedis> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        admin.close();
        server.close();
    }

    private SharedRedis connect(String nodeId, Duration timeout) {
        SharedRedis redis = SharedRedis.connect(new GatewayConfig.RedisSettings(server.url(), false, timeout, nodeId));
        Await.until(nodeId + " connected", () -> redis.health().isUp());
        return redis;
    }

    /** A node: its own connection and node id, its own local limits. */
    private SharedTenantLimits node(String nodeId, TenantLimits local, Duration leaseTtl) {
        return node(nodeId, local, leaseTtl, TIMEOUT);
    }

    private SharedTenantLimits node(String nodeId, TenantLimits local, Duration leaseTtl, Duration timeout) {
        SharedRedis redis = connect(nodeId, timeout);
        open.add(redis);
        nodes.add(redis);
        SharedTenantLimits limits = new SharedTenantLimits(redis, local, leaseTtl);
        open.add(limits);
        return limits;
    }

    private SharedTenantLimits node(String nodeId, int maxStreams, int requestsPerMinute, long tokensPerMinute) {
        return node(nodeId, new TenantLimits(maxStreams, requestsPerMinute, 8, tokensPerMinute, System::nanoTime),
                SHORT_LEASE);
    }

    private static Decision decided(CompletableFuture<Decision> decision) throws Exception {
        return decision.get(10, TimeUnit.SECONDS);
    }

    private static Slot admitted(CompletableFuture<Decision> decision) throws Exception {
        return assertInstanceOf(Slot.class, decided(decision));
    }

    private static Refusal refused(CompletableFuture<Decision> decision) throws Exception {
        return assertInstanceOf(Refusal.class, decided(decision));
    }

    private static String key(String tenant, String kind) {
        return "sg:limits:{" + SharedTenantLimits.hash(tenant) + "}:" + kind;
    }

    private <T> T redis(java.util.function.Function<
            io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<String, byte[]>,
            io.lettuce.core.RedisFuture<T>> command) throws Exception {
        return admin.call(command).get(5, TimeUnit.SECONDS);
    }

    /** Redis's clock, in microseconds. */
    private long redisMicros() throws Exception {
        List<byte[]> time = redis(c -> c.time());
        return Long.parseLong(text(time.get(0))) * 1_000_000 + Long.parseLong(text(time.get(1)));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Object o) {
        return String.valueOf(o).getBytes(StandardCharsets.UTF_8);
    }

    private void setBucket(String key, double level, long atMicros) throws Exception {
        redis(c -> c.hset(key, Map.of("level", bytes(level), "at", bytes(atMicros))));
    }

    @Test
    void aTenantsStreamSlotsAreSharedByTheNodesAndFreedOnRelease() throws Exception {
        SharedTenantLimits a = node("node-a", 2, 1_000, 0);
        SharedTenantLimits b = node("node-b", 2, 1_000, 0);

        Slot first = admitted(a.acquireStream("acme"));
        admitted(b.acquireStream("acme"));
        for (SharedTenantLimits any : List.of(a, b)) {
            Refusal refusal = refused(any.acquireStream("acme"));
            assertEquals("at most 2 concurrent streams per tenant", refusal.reason());
            assertEquals(1, refusal.retryAfterSeconds());
        }
        admitted(b.acquireStream("globex")); // another tenant has its own slots
        assertEquals(2L, this.<Long>redis(c -> c.zcard(key("acme", "streams"))), "refusals hold nothing");

        first.release();
        first.release(); // a second release of the same lease frees nothing more
        Await.until("the released slot is free for any node", () -> b.acquireStream("acme").join() instanceof Slot);
        assertInstanceOf(Refusal.class, decided(a.acquireStream("acme")));
        assertEquals(0, a.localFallbacks());
    }

    @Test
    void aDeadNodesLeasesLapseByThemselvesWhileLiveOnesAreRenewed() throws Exception {
        SharedTenantLimits a = node("node-a", 3, 1_000, 0);
        SharedTenantLimits b = node("node-b", 3, 1_000, 0);
        admitted(a.acquireStream("acme"));
        byte[] aLease = redis(c -> c.zrange(key("acme", "streams"), 0, 0)).getFirst();
        double firstExpiry = this.<Double>redis(c -> c.zscore(key("acme", "streams"), aLease));
        // A node that took a slot and died before renewing it, and one that stops (closed without releasing).
        List<Object> dead = SharedTenantLimits.ACQUIRE_STREAM.<List<Object>>run(admin,
                new String[] {key("acme", "streams"), key("acme", "requests"), key("acme", "tokens")},
                bytes(3), bytes(1_000), bytes(0), bytes("node-dead:1"), bytes(SHORT_LEASE.toMillis()))
                .get(5, TimeUnit.SECONDS);
        assertEquals(0L, dead.getFirst());
        SharedTenantLimits stopping = node("node-c", 3, 1_000, 0);
        admitted(stopping.acquireStream("acme"));
        stopping.close();
        refused(b.acquireStream("acme"));

        Await.until("the dead nodes' leases lapse", () -> {
            try {
                return this.<Long>redis(c -> c.zcard(key("acme", "streams"))) == 1; // A's renewals drop them
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        admitted(b.acquireStream("acme"));
        assertNull(redis(c -> c.zscore(key("acme", "streams"), bytes("node-dead:1"))));
        double renewed = this.<Double>redis(c -> c.zscore(key("acme", "streams"), aLease));
        assertTrue(renewed > firstExpiry, "node A renewed its lease past the TTL the dead ones lapsed by");
        assertTrue(text(aLease).startsWith("node-a:"), "a lease names its node: " + text(aLease));
        assertInstanceOf(Slot.class, decided(b.acquireStream("acme")), "A's lease and one of B's: one slot left");
        refused(a.acquireStream("acme"));
    }

    @Test
    void expiredLeasesFreeTheirSlotsAndOthersLiveOnesCount() throws Exception {
        SharedTenantLimits a = node("node-a", 2, 1_000, 0);
        long nowMs = redisMicros() / 1_000;
        redis(c -> c.zadd(key("acme", "streams"), nowMs - 1, bytes("gone:1")));
        redis(c -> c.zadd(key("acme", "streams"), nowMs + 60_000, bytes("other:1")));
        admitted(a.acquireStream("acme"));
        refused(a.acquireStream("acme"));
        assertNull(redis(c -> c.zscore(key("acme", "streams"), bytes("gone:1"))), "an expired lease is dropped");
    }

    @Test
    void requestsPerMinuteAreOneBucketForStreamsAndReadsAcrossNodes() throws Exception {
        SharedTenantLimits a = node("node-a", 100, 3, 0);
        SharedTenantLimits b = node("node-b", 100, 3, 0);
        admitted(a.acquireStream("acme")).release();
        admitted(b.acquireRead("acme")).release();
        admitted(a.acquireStream("acme")).release();
        for (var attempt : List.of(b.acquireStream("acme"), a.acquireRead("acme"))) {
            Refusal refusal = refused(attempt);
            assertEquals("at most 3 requests per minute per tenant", refusal.reason());
            assertTrue(refusal.retryAfterSeconds() >= 1 && refusal.retryAfterSeconds() <= 20,
                    "a token every 20 s: " + refusal.retryAfterSeconds());
        }
        admitted(b.acquireStream("globex"));
        assertEquals(0L, this.<Long>redis(c -> c.zcard(key("acme", "streams"))), "a refused stream holds no lease");
    }

    @Test
    void theRequestBucketRefillsContinuouslyOnRedissClockUpToAMinutesWorth() throws Exception {
        SharedTenantLimits a = node("node-a", 100, 3, 0);
        String bucket = key("acme", "requests");

        setBucket(bucket, 0.5, redisMicros());
        assertEquals(10, refused(a.acquireStream("acme")).retryAfterSeconds(), "half a token at one per 20 s");

        setBucket(bucket, 0, redisMicros() - 20_000_000);
        admitted(a.acquireStream("acme")).release(); // 20 s refilled one token
        refused(a.acquireStream("acme"));

        setBucket(bucket, 2, redisMicros() - 600_000_000);
        for (int i = 0; i < 3; i++) {
            admitted(a.acquireStream("acme")).release(); // ten minutes refill a minute's worth: 3, not 32
        }
        refused(a.acquireStream("acme"));

        setBucket(bucket, 0, redisMicros() + 5_000_000); // a bucket stamped ahead (a failover to a slower clock)
        assertEquals(20, refused(a.acquireStream("acme")).retryAfterSeconds(), "time never runs backwards");

        redis(c -> c.persist(bucket));
        setBucket(bucket, 3, redisMicros());
        admitted(a.acquireStream("acme")).release();
        long set = this.<Long>redis(c -> c.pttl(bucket));
        assertTrue(set > 0 && set <= 61_000, "a bucket expires once it would be full anyway: " + set);
    }

    @Test
    void tokensPerMinuteAreOneBudgetAcrossNodesAndGoAtMostAMinuteIntoDebt() throws Exception {
        SharedTenantLimits a = node("node-a", 100, 1_000, 600);
        SharedTenantLimits b = node("node-b", 100, 1_000, 600);

        admitted(a.acquireStream("acme")).release();
        b.chargeTokens("acme", 599);
        Await.until("the charge is on Redis", () -> redisLevel(key("acme", "tokens")) < 2);
        admitted(a.acquireStream("acme")).release(); // one token left: still admitted
        b.chargeTokens("acme", 31);
        Await.until("node B's charge refuses node A", () -> a.acquireStream("acme").join() instanceof Refusal);
        Refusal refusal = refused(a.acquireStream("acme"));
        assertEquals("at most 600 tokens per minute per tenant", refusal.reason());
        assertEquals(3, refusal.retryAfterSeconds(), "30 tokens over, at 10 a second");
        admitted(a.acquireStream("globex"));

        b.chargeTokens("acme", 1_000_000);
        Await.until("a minute's debt at most", () -> {
            Decision d = a.acquireStream("acme").join();
            return d instanceof Refusal r && r.retryAfterSeconds() == 60;
        });
        assertEquals(-600, redisLevel(key("acme", "tokens")), 1);
        long ttl = this.<Long>redis(c -> c.pttl(key("acme", "tokens")));
        assertTrue(ttl > 60_000 && ttl <= 121_000, "the budget expires once it would be full anyway: " + ttl);

        setBucket(key("acme", "tokens"), 0, redisMicros() + 60_000_000); // stamped ahead: it stays at 0
        assertEquals(1, refused(a.acquireStream("acme")).retryAfterSeconds(), "exactly spent is still spent");
    }

    private double redisLevel(String key) {
        try {
            byte[] level = redis(c -> c.hget(key, "level"));
            return level == null ? Double.NaN : Double.parseDouble(text(level));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void historyReadsInFlightStayCappedPerNode() throws Exception {
        SharedTenantLimits a = node("node-a", new TenantLimits(8, 1_000, 1, 0, System::nanoTime), SHORT_LEASE);
        SharedTenantLimits b = node("node-b", new TenantLimits(8, 1_000, 1, 0, System::nanoTime), SHORT_LEASE);
        Slot read = admitted(a.acquireRead("acme"));
        Refusal refusal = refused(a.acquireRead("acme"));
        assertEquals("at most 1 history reads at once per tenant", refusal.reason());
        admitted(b.acquireRead("acme")).release(); // they bound each node's own store threads
        read.release();
        admitted(a.acquireRead("acme"));
    }

    @Test
    void aTenantsKeysNameNoTenantShareOneHashTagAndAllExpire() throws Exception {
        SharedTenantLimits a = node("node-a", 8, 1_000, 600);
        String hostile = "evil\r\n{tag}*";
        admitted(a.acquireStream(hostile));
        a.chargeTokens(hostile, 5);
        Await.until("the charge is on Redis", () -> !Double.isNaN(redisLevel(key(hostile, "tokens"))));

        List<String> keys = redis(c -> c.keys("*"));
        assertEquals(3, keys.size(), keys.toString());
        String tag = "{" + SharedTenantLimits.hash(hostile) + "}";
        for (String k : keys) {
            assertTrue(k.startsWith("sg:limits:" + tag + ":"), k);
            assertFalse(k.contains("evil"), k);
            long ttl = this.<Long>redis(c -> c.pttl(k));
            assertTrue(ttl > 0, k + " expires: " + ttl);
        }
    }

    @Test
    void whileRedisIsDownTheNodeDecidesAloneAndEachSlotGoesBackToWhoeverGrantedIt() throws Exception {
        TenantLimits local = new TenantLimits(1, 1_000, 8, 600, System::nanoTime);
        SharedTenantLimits a = node("node-a", local, SHORT_LEASE);
        SharedTenantLimits b = node("node-b", 1, 1_000, 600);
        Slot shared = admitted(a.acquireStream("acme"));
        refused(b.acquireStream("acme"));

        assertEquals(1, local.activeStreams("acme"), "the local limits count the stream Redis admitted here");

        server.stop();
        Await.until("node A sees redis down", () -> !nodes.getFirst().health().isUp());
        assertEquals("at most 1 concurrent streams per tenant", refused(a.acquireStream("acme")).reason(),
                "deciding alone, node A counts the stream it runs");
        assertEquals(1, a.localFallbacks());
        shared.release();
        assertEquals(0, local.activeStreams("acme"));
        Slot alone = admitted(a.acquireStream("acme"));
        assertEquals(1, local.activeStreams("acme"));
        refused(a.acquireStream("acme"));
        Slot read = admitted(a.acquireRead("acme"));
        read.release();
        a.chargeTokens("acme", 1_000); // charged here
        assertEquals("at most 600 tokens per minute per tenant", refused(a.acquireStream("acme")).reason());
        assertEquals(5, a.localFallbacks(), "four streams and a read decided here");

        server.startAgain(); // empty, as after a restart
        // The admin connection too: the check at the end reads through it.
        Await.until("both nodes and the admin connection see redis again",
                () -> admin.health().isUp() && nodes.stream().allMatch(n -> n.health().isUp()));
        admitted(b.acquireStream("acme"));
        assertEquals("at most 1 concurrent streams per tenant", refused(a.acquireStream("acme")).reason());
        assertEquals(5, a.localFallbacks(), "shared again");
        alone.release(); // to the local limits, which granted it
        assertEquals(0, local.activeStreams("acme"));
        assertEquals(1L, this.<Long>redis(c -> c.zcard(key("acme", "streams"))), "B's lease only");
    }

    @Test
    void aRedisTooSlowToAnswerIsDecidedLocallyAndSharedAgainOnceItAnswers() throws Exception {
        SharedTenantLimits a = node("node-a", new TenantLimits(1, 1_000, 8, 0, System::nanoTime), SHORT_LEASE,
                Duration.ofMillis(200));
        redis(c -> c.clientPause(1_000)); // every client waits, longer than node A's 200 ms timeout
        admitted(a.acquireStream("acme"));
        assertEquals(1, a.localFallbacks());
        Await.until("redis answers again", () -> nodes.getFirst().health().isUp());
        admitted(node("node-b", 1, 1_000, 0).acquireStream("acme"));
        refused(a.acquireStream("acme"));
        assertEquals(1, a.localFallbacks());
    }

    @Test
    void leasesRedisLostAreRenewedBackWhileTheirStreamsRun() throws Exception {
        SharedTenantLimits a = node("node-a", 1, 1_000, 0);
        SharedTenantLimits b = node("node-b", 1, 1_000, 0);
        admitted(a.acquireStream("acme"));
        redis(c -> c.flushall()); // as a restart without persistence
        Await.until("the renewal puts the lease back", () -> {
            try {
                return this.<Long>redis(c -> c.zcard(key("acme", "streams"))) == 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        refused(b.acquireStream("acme"));
        assertEquals(1, a.liveLeases());
    }
}
