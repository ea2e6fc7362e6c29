package io.streamgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ScriptOutputType;
import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.gateway.shared.RedisScript;
import io.streamgate.gateway.shared.SharedRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenant limits shared by the nodes of a cluster, on Redis: each decision is one Lua script, so two nodes never both
 * take the last slot or token.
 *
 * <ul>
 *   <li>A stream's concurrency slot is a lease in the tenant's sorted set (member: a lease id naming this node,
 *       score: its expiry on Redis's clock). This node renews its live leases every third of the lease TTL, so the
 *       slots of a node that died come back by themselves within the TTL.
 *   <li>Requests per minute and tokens per minute are buckets in hashes, refilled continuously on Redis's clock,
 *       with the semantics of {@link TenantLimits}.
 *   <li>History reads in flight stay capped per node (they bound this node's store threads); their request token is
 *       shared.
 * </ul>
 *
 * <p>A tenant's keys carry a hash of its name (never the name) in one hash tag, so they sit in one Redis Cluster slot,
 * and every key expires.
 *
 * <p>When Redis cannot decide (down, slower than its timeout, or an error), the node-local {@link TenantLimits}
 * decide that request, and a slot is released to whichever side granted it. The local limits also count the streams
 * Redis admitted on this node and the tokens its requests used, so a node deciding alone starts from what it runs
 * itself. While degraded, a cluster of N nodes admits at most N times each limit. Nothing is logged per request: {@code RedisHealth} logs the transitions, and
 * {@link #localFallbacks} counts the admissions decided locally.
 */
public final class SharedTenantLimits implements TenantAdmission, AutoCloseable {

    static final RedisScript ACQUIRE_STREAM = script("acquire-stream.lua", ScriptOutputType.MULTI);
    static final RedisScript ACQUIRE_REQUEST = script("acquire-request.lua", ScriptOutputType.MULTI);
    static final RedisScript CHARGE_TOKENS = script("charge-tokens.lua", ScriptOutputType.INTEGER);
    static final RedisScript RENEW_LEASES = script("renew-leases.lua", ScriptOutputType.INTEGER);
    private static final Logger log = LoggerFactory.getLogger(SharedTenantLimits.class);
    private static final int RENEWALS_PER_CALL = 1_000;
    private static final long GRANTED = 0;
    private static final long NO_SLOT = 1;
    private static final long NO_REQUEST_TOKEN = 2;
    private static final long TOKENS_SPENT = 3;

    private final SharedRedis redis;
    private final TenantLimits local;
    private final byte[] leaseMillis;
    private final byte[] maxStreams;
    private final byte[] requestsPerMinute;
    private final byte[] tokensPerMinute;
    private final String leasePrefix;
    private final AtomicLong leases = new AtomicLong();
    private final LongAdder localFallbacks = new LongAdder();
    private final ConcurrentHashMap<String, Keys> tenants = new ConcurrentHashMap<>();
    // Renews leases, and sends releases: one thread, so a renewal never puts back a lease released after it.
    private final ScheduledExecutorService leaseKeeper;

    /** A tenant's keys, and this node's live leases on them. */
    private record Keys(String[] all, String[] streams, String[] requests, String[] tokens, Set<Lease> live) {}

    /** A stream slot granted by Redis; the local limits count it too. */
    private final class Lease implements Slot {
        private final Keys keys;
        private final String tenant;
        private final byte[] id;

        Lease(Keys keys, String tenant, byte[] id) {
            this.keys = keys;
            this.tenant = tenant;
            this.id = id;
        }

        @Override
        public void release() {
            if (!keys.live().remove(this)) {
                return;
            }
            local.streamSlot(tenant).release();
            try {
                leaseKeeper.execute(() -> redis.call(c -> c.zrem(keys.streams()[0], id)));
            } catch (RejectedExecutionException closed) {
                // Closing: the lease is no longer renewed, so it expires by itself.
            }
        }
    }

    /**
     * @param local the limits, and what decides while Redis cannot
     * @param leaseTtl how long a stream slot outlives the last renewal by its node
     */
    public SharedTenantLimits(SharedRedis redis, TenantLimits local, Duration leaseTtl) {
        this.redis = requireNonNull(redis, "redis");
        this.local = requireNonNull(local, "local");
        long ttl = requireNonNull(leaseTtl, "leaseTtl").toMillis();
        if (ttl < 3) {
            throw new IllegalArgumentException("the lease TTL is too short: " + leaseTtl);
        }
        this.leaseMillis = ascii(ttl);
        this.maxStreams = ascii(local.maxStreams());
        this.requestsPerMinute = ascii(local.requestsPerMinute());
        this.tokensPerMinute = ascii(local.tokensPerMinute());
        this.leasePrefix = redis.nodeId() + ":";
        this.leaseKeeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamgate-limit-leases");
            t.setDaemon(true);
            return t;
        });
        leaseKeeper.scheduleWithFixedDelay(this::renew, ttl / 3, ttl / 3, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Decision> acquireStream(String tenant) {
        Keys keys = keys(tenant);
        Lease lease = new Lease(keys, tenant,
                (leasePrefix + leases.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
        CompletableFuture<List<Object>> reply = ACQUIRE_STREAM.run(redis, keys.all(),
                maxStreams, requestsPerMinute, tokensPerMinute, lease.id, leaseMillis);
        return reply.handle((answer, failure) -> {
            long[] decided = failure == null ? decode(answer) : null;
            if (decided == null) {
                localFallbacks.increment();
                Optional<Refusal> refused = local.tryAcquire(tenant);
                return refused.isPresent() ? refused.get() : local.streamSlot(tenant);
            }
            if (decided[0] == GRANTED) {
                local.countStream(tenant); // so that, should Redis go away, this node still counts it
                keys.live().add(lease);
                return lease;
            }
            return refusal(decided[0], decided[1]);
        });
    }

    /** A script's {code, wait} answer, or {@code null} when it is not one (then the local limits decide). */
    private static long[] decode(List<Object> answer) {
        if (answer != null && answer.size() == 2 && answer.get(0) instanceof Long code
                && code >= GRANTED && code <= TOKENS_SPENT && answer.get(1) instanceof Long wait && wait >= 0) {
            return new long[] {code, wait};
        }
        return null;
    }

    @Override
    public CompletableFuture<Decision> acquireRead(String tenant) {
        Optional<Refusal> noSlot = local.tryTakeReadSlot(tenant);
        if (noSlot.isPresent()) {
            return CompletableFuture.completedFuture(noSlot.get());
        }
        Slot slot = local.readSlot(tenant);
        CompletableFuture<List<Object>> reply = ACQUIRE_REQUEST.run(redis, keys(tenant).requests(), requestsPerMinute);
        return reply.handle((answer, failure) -> {
            long[] decided = failure == null ? decode(answer) : null;
            Refusal refused;
            if (decided == null) {
                localFallbacks.increment();
                refused = local.tryTakeRequestToken(tenant).orElse(null);
            } else {
                refused = decided[0] == GRANTED ? null : refusal(decided[0], decided[1]);
            }
            if (refused != null) {
                slot.release();
                return refused;
            }
            return slot;
        });
    }

    @Override
    public void chargeTokens(String tenant, long tokens) {
        if (local.tokensPerMinute() == 0 || tokens <= 0) {
            return;
        }
        local.chargeTokens(tenant, tokens); // this node's own share, for when it has to decide alone
        CHARGE_TOKENS.run(redis, keys(tenant).tokens(), tokensPerMinute, ascii(tokens)); // Redis down: not shared
    }

    /** Admissions (streams and reads) decided by the node-local limits because Redis could not decide them. */
    public long localFallbacks() {
        return localFallbacks.sum();
    }

    /** This node's live leases, over all tenants. */
    int liveLeases() {
        return tenants.values().stream().mapToInt(k -> k.live().size()).sum();
    }

    /** Stops renewing: leases still held expire by themselves within the TTL. */
    @Override
    public void close() {
        leaseKeeper.shutdownNow();
    }

    private Refusal refusal(long code, long waitMicros) {
        long waitNanos = Math.min(waitMicros, Long.MAX_VALUE / 1_000) * 1_000;
        return code == NO_SLOT ? TenantLimits.slotsRefusal(local.maxStreams(), TenantLimits.STREAMS)
                : code == NO_REQUEST_TOKEN ? TenantLimits.rateRefusal(local.requestsPerMinute(), waitNanos)
                : TenantLimits.tokensRefusal(local.tokensPerMinute(), waitNanos);
    }

    /** Sends this node's live leases to Redis, a tenant (and at most {@link #RENEWALS_PER_CALL}) per script. */
    private void renew() {
        try {
            renewAll();
        } catch (RuntimeException e) { // a failed run would cancel the renewals to come
            log.error("renewing stream leases failed: {}", LogValue.of(e));
        }
    }

    private void renewAll() {
        for (Keys keys : tenants.values()) {
            List<byte[]> args = new ArrayList<>();
            args.add(leaseMillis);
            for (Lease lease : keys.live()) {
                args.add(lease.id);
                if (args.size() > RENEWALS_PER_CALL) {
                    send(keys, args);
                    args = new ArrayList<>();
                    args.add(leaseMillis);
                }
            }
            if (args.size() > 1) {
                send(keys, args);
            }
        }
    }

    private void send(Keys keys, List<byte[]> args) {
        // Redis down: the streams go on; their leases are put back by the first renewal once it is up again.
        RENEW_LEASES.run(redis, keys.streams(), args.toArray(byte[][]::new)).exceptionally(failure -> null);
    }

    private Keys keys(String tenant) {
        return tenants.computeIfAbsent(tenant, SharedTenantLimits::newKeys);
    }

    private static Keys newKeys(String tenant) {
        // The tenant names no key: hostile or odd bytes stay out of Redis, and its keys share one cluster slot.
        String tag = "sg:limits:{" + hash(tenant) + "}:";
        String streams = tag + "streams";
        String requests = tag + "requests";
        String tokens = tag + "tokens";
        return new Keys(new String[] {streams, requests, tokens}, new String[] {streams}, new String[] {requests},
                new String[] {tokens}, ConcurrentHashMap.newKeySet());
    }

    /** What the tenant's keys carry instead of its name ({@link SharedRedis#keyHash}). */
    static String hash(String tenant) {
        return SharedRedis.keyHash(tenant);
    }

    private static byte[] ascii(long n) {
        return ascii(Long.toString(n));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A script: the shared helpers, then its own text. */
    private static RedisScript script(String name, ScriptOutputType output) {
        return RedisScript.load(SharedTenantLimits.class, output, "limits-common.lua", name);
    }
}
