package io.streamgate.gateway.auth;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Per-tenant admission: at most {@code maxStreams} streams at once, {@code requestsPerMinute} requests per minute
 * (stream starts and history reads share one token bucket, refilled continuously, holding a minute's worth at
 * most), and at most {@code maxReads} history reads in the store at once, so that one tenant's reads cannot take
 * every store thread from another tenant's stream starts.
 *
 * <p>Lock-free (compare-and-set), so the event loop can call it. State per tenant is two small objects; tenants
 * come from the configured keys, so the map is bounded by them.
 */
public final class TenantLimits {

    /** A refusal: how long until trying again is worthwhile, in whole seconds (at least 1). */
    public record Refusal(String reason, long retryAfterSeconds) {}

    private record Bucket(double tokens, long refilledAtNanos) {}

    private final class Tenant {
        final AtomicInteger streams = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicReference<Bucket> bucket = new AtomicReference<>(new Bucket(requestsPerMinute, System.nanoTime()));
    }

    private final int maxStreams;
    private final int requestsPerMinute;
    private final int maxReads;
    private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();

    public TenantLimits(int maxStreams, int requestsPerMinute, int maxReads) {
        if (maxStreams < 1 || requestsPerMinute < 1 || maxReads < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxStreams = maxStreams;
        this.requestsPerMinute = requestsPerMinute;
        this.maxReads = maxReads;
    }

    /**
     * Admits one history read for {@code tenant}: it takes a request token and an in-flight read slot, which must
     * be {@link #releaseRead}d when the read is done.
     */
    public Optional<Refusal> tryAcquireRead(String tenant) {
        Tenant t = tenants.computeIfAbsent(tenant, k -> new Tenant());
        return acquire(t, t.reads, maxReads, "history reads at once");
    }

    public void releaseRead(String tenant) {
        Tenant t = tenants.get(tenant);
        if (t != null) {
            t.reads.decrementAndGet();
        }
    }

    /**
     * Admits one stream for {@code tenant}, or says why not. An admitted stream must be {@link #release}d when it
     * ends.
     */
    public Optional<Refusal> tryAcquire(String tenant) {
        Tenant t = tenants.computeIfAbsent(tenant, k -> new Tenant());
        return acquire(t, t.streams, maxStreams, "concurrent streams");
    }

    /** Takes one of {@code max} slots and a request token, or neither. */
    private Optional<Refusal> acquire(Tenant t, AtomicInteger slots, int max, String what) {
        if (slots.incrementAndGet() > max) {
            slots.decrementAndGet();
            return Optional.of(new Refusal("at most " + max + " " + what + " per tenant", 1));
        }
        long waitNanos = takeToken(t.bucket);
        if (waitNanos > 0) {
            slots.decrementAndGet();
            return Optional.of(rateRefusal(waitNanos));
        }
        return Optional.empty();
    }

    private Refusal rateRefusal(long waitNanos) {
        return new Refusal("at most " + requestsPerMinute + " requests per minute per tenant",
                Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
    }

    public void release(String tenant) {
        Tenant t = tenants.get(tenant);
        if (t != null) {
            t.streams.decrementAndGet();
        }
    }

    public int activeStreams(String tenant) {
        Tenant t = tenants.get(tenant);
        return t == null ? 0 : t.streams.get();
    }

    /** Takes one token; returns 0 on success, else the nanos until one will be there. */
    private long takeToken(AtomicReference<Bucket> ref) {
        double perNano = requestsPerMinute / 60e9;
        while (true) {
            Bucket b = ref.get();
            long now = System.nanoTime();
            double tokens = Math.min(requestsPerMinute, b.tokens + (now - b.refilledAtNanos) * perNano);
            if (tokens < 1) {
                return (long) Math.ceil((1 - tokens) / perNano);
            }
            if (ref.compareAndSet(b, new Bucket(tokens - 1, now))) {
                return 0;
            }
        }
    }
}
