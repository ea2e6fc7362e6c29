package io.streamgate.gateway.auth;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Per-tenant admission: at most {@code maxStreams} streams at once, {@code requestsPerMinute} requests per minute
 * (stream starts and history reads share one token bucket, refilled continuously, holding a minute's worth at
 * most), and at most {@code maxReads} history reads in the store at once, so that one tenant's reads cannot take
 * every store thread from another tenant's stream starts.
 *
 * <p>And, when {@code tokensPerMinute} is set, a budget of model tokens: a request's tokens are only known once it
 * has run, so they are {@link #chargeTokens charged} then, and new streams are refused while the tenant's budget is
 * spent. The budget refills continuously, holds a minute's worth at most, and goes at most a minute's worth into
 * debt, so a tenant that overshoots waits at most a minute.
 *
 * <p>Lock-free (compare-and-set), so the event loop can call it. State per tenant is a few small objects made once;
 * tenants come from the configured keys, so the map is bounded by them. As a {@link TenantAdmission} its decisions
 * are complete at once, and an admission allocates nothing: each tenant's slots and their completed futures are made
 * with the tenant.
 */
public final class TenantLimits implements TenantAdmission {

    private record Bucket(double tokens, long refilledAtNanos) {}

    private final class Tenant {
        final AtomicInteger streams = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicReference<Bucket> bucket = new AtomicReference<>(new Bucket(requestsPerMinute, clock.getAsLong()));
        final AtomicReference<Bucket> tokens = new AtomicReference<>(new Bucket(tokensPerMinute, clock.getAsLong()));
        // Shared by all of the tenant's admissions: a release only counts down.
        final Slot streamSlot = streams::decrementAndGet;
        final Slot readSlot = reads::decrementAndGet;
        final CompletableFuture<Decision> streamAdmitted = CompletableFuture.completedFuture(streamSlot);
        final CompletableFuture<Decision> readAdmitted = CompletableFuture.completedFuture(readSlot);
    }

    private final int maxStreams;
    private final int requestsPerMinute;
    private final int maxReads;
    private final long tokensPerMinute;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();

    public TenantLimits(int maxStreams, int requestsPerMinute, int maxReads) {
        this(maxStreams, requestsPerMinute, maxReads, 0, System::nanoTime);
    }

    /**
     * @param tokensPerMinute model tokens per tenant per minute; 0 is no limit
     * @param clock nanoseconds ({@link System#nanoTime} outside tests)
     */
    public TenantLimits(int maxStreams, int requestsPerMinute, int maxReads, long tokensPerMinute, LongSupplier clock) {
        if (maxStreams < 1 || requestsPerMinute < 1 || maxReads < 1 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxStreams = maxStreams;
        this.requestsPerMinute = requestsPerMinute;
        this.maxReads = maxReads;
        this.tokensPerMinute = tokensPerMinute;
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletableFuture<Decision> acquireStream(String tenant) {
        Tenant t = tenant(tenant);
        Optional<Refusal> refused = tryAcquire(t);
        return refused.isEmpty() ? t.streamAdmitted : CompletableFuture.completedFuture(refused.get());
    }

    @Override
    public CompletableFuture<Decision> acquireRead(String tenant) {
        Tenant t = tenant(tenant);
        Optional<Refusal> refused = acquire(t, t.reads, maxReads, READS);
        return refused.isEmpty() ? t.readAdmitted : CompletableFuture.completedFuture(refused.get());
    }

    /**
     * Admits one history read for {@code tenant}: it takes a request token and an in-flight read slot, which must
     * be {@link #releaseRead}d when the read is done.
     */
    public Optional<Refusal> tryAcquireRead(String tenant) {
        Tenant t = tenant(tenant);
        return acquire(t, t.reads, maxReads, READS);
    }

    /**
     * Takes one of the tenant's read slots without a request token (the shared limits take that one on Redis); it is
     * released by {@link #readSlot}.
     */
    Optional<Refusal> tryTakeReadSlot(String tenant) {
        Tenant t = tenant(tenant);
        return takeSlot(t.reads, maxReads) ? Optional.empty() : Optional.of(slotsRefusal(maxReads, READS));
    }

    /** Takes one of the tenant's request tokens on this node alone. */
    Optional<Refusal> tryTakeRequestToken(String tenant) {
        long waitNanos = takeToken(tenant(tenant).bucket);
        return waitNanos > 0 ? Optional.of(rateRefusal(requestsPerMinute, waitNanos)) : Optional.empty();
    }

    /** The slot a read admitted by {@link #tryAcquireRead} or {@link #tryTakeReadSlot} holds. */
    Slot readSlot(String tenant) {
        return tenant(tenant).readSlot;
    }

    /** The slot a stream admitted by {@link #tryAcquire} holds. */
    Slot streamSlot(String tenant) {
        return tenant(tenant).streamSlot;
    }

    /**
     * Counts a stream admitted elsewhere (by the shared limits) among the tenant's streams here, unchecked, so that
     * this node, deciding alone, counts every stream it runs; released by {@link #streamSlot}.
     */
    void countStream(String tenant) {
        tenant(tenant).streams.incrementAndGet();
    }

    int maxStreams() {
        return maxStreams;
    }

    int requestsPerMinute() {
        return requestsPerMinute;
    }

    long tokensPerMinute() {
        return tokensPerMinute;
    }

    private Tenant tenant(String tenant) {
        return tenants.computeIfAbsent(tenant, k -> new Tenant());
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
        return tryAcquire(tenant(tenant));
    }

    private Optional<Refusal> tryAcquire(Tenant t) {
        long spentFor = tokensSpentForNanos(t);
        if (spentFor > 0) {
            return Optional.of(tokensRefusal(tokensPerMinute, spentFor));
        }
        return acquire(t, t.streams, maxStreams, STREAMS);
    }

    /**
     * Charges {@code tokens} a finished (or cut) request used to {@code tenant}'s per-minute budget; no-op without a
     * token limit.
     */
    public void chargeTokens(String tenant, long tokens) {
        if (tokensPerMinute == 0 || tokens <= 0) {
            return;
        }
        AtomicReference<Bucket> ref = tenant(tenant).tokens;
        while (true) {
            Bucket b = ref.get();
            long now = clock.getAsLong();
            double left = Math.max(-tokensPerMinute, refilled(b, now, tokensPerMinute) - tokens);
            if (ref.compareAndSet(b, new Bucket(left, now))) {
                return;
            }
        }
    }

    /** How long until the tenant's token budget is above 0 again; 0 when it is (or there is no token limit). */
    private long tokensSpentForNanos(Tenant t) {
        if (tokensPerMinute == 0) {
            return 0;
        }
        double left = refilled(t.tokens.get(), clock.getAsLong(), tokensPerMinute);
        return left > 0 ? 0 : Math.max(1, (long) Math.ceil(-left / (tokensPerMinute / 60e9)));
    }

    /** The bucket's content now: refilled at {@code perMinute} a minute, up to a minute's worth. */
    private static double refilled(Bucket b, long now, double perMinute) {
        return Math.min(perMinute, b.tokens + (now - b.refilledAtNanos) * (perMinute / 60e9));
    }

    /** Takes one of {@code max} slots and a request token, or neither. */
    private Optional<Refusal> acquire(Tenant t, AtomicInteger slots, int max, String what) {
        if (!takeSlot(slots, max)) {
            return Optional.of(slotsRefusal(max, what));
        }
        long waitNanos = takeToken(t.bucket);
        if (waitNanos > 0) {
            slots.decrementAndGet();
            return Optional.of(rateRefusal(requestsPerMinute, waitNanos));
        }
        return Optional.empty();
    }

    private static boolean takeSlot(AtomicInteger slots, int max) {
        if (slots.incrementAndGet() > max) {
            slots.decrementAndGet();
            return false;
        }
        return true;
    }

    static final String STREAMS = "concurrent streams";
    static final String READS = "history reads at once";

    /** All of {@code max} slots are taken: worth trying again in a second. */
    static Refusal slotsRefusal(long max, String what) {
        return new Refusal("at most " + max + " " + what + " per tenant", 1);
    }

    static Refusal rateRefusal(long requestsPerMinute, long waitNanos) {
        return new Refusal("at most " + requestsPerMinute + " requests per minute per tenant", wholeSeconds(waitNanos));
    }

    static Refusal tokensRefusal(long tokensPerMinute, long spentForNanos) {
        return new Refusal("at most " + tokensPerMinute + " tokens per minute per tenant", wholeSeconds(spentForNanos));
    }

    /** {@code nanos} rounded up to whole seconds, at least 1. */
    private static long wholeSeconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
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
            long now = clock.getAsLong();
            double tokens = refilled(b, now, requestsPerMinute);
            if (tokens < 1) {
                return (long) Math.ceil((1 - tokens) / perNano);
            }
            if (ref.compareAndSet(b, new Bucket(tokens - 1, now))) {
                return 0;
            }
        }
    }
}
