package io.streamgate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TenantLimitsTest {

    @Test
    void readsInFlightAreCappedPerTenantAndFreedOnRelease() {
        TenantLimits limits = new TenantLimits(8, 1_000, 2);
        assertTrue(limits.tryAcquireRead("acme").isEmpty());
        assertTrue(limits.tryAcquireRead("acme").isEmpty());
        var refused = limits.tryAcquireRead("acme");
        assertTrue(refused.isPresent());
        assertTrue(refused.get().reason().contains("2 history reads"), refused.get().reason());
        assertTrue(limits.tryAcquireRead("globex").isEmpty(), "another tenant has its own reads");
        limits.releaseRead("acme");
        assertTrue(limits.tryAcquireRead("acme").isEmpty());
    }

    @Test
    void readsAndStreamStartsShareTheTenantsRequestRate() {
        TenantLimits limits = new TenantLimits(8, 3, 8);
        assertTrue(limits.tryAcquireRead("acme").isEmpty());
        limits.releaseRead("acme");
        assertTrue(limits.tryAcquire("acme").isEmpty());
        assertTrue(limits.tryAcquireRead("acme").isEmpty());
        limits.releaseRead("acme");
        var refused = limits.tryAcquireRead("acme");
        assertTrue(refused.isPresent(), "three requests used the minute's three tokens");
        assertTrue(refused.get().retryAfterSeconds() >= 1);
        assertTrue(limits.tryAcquire("acme").isPresent());
        assertEquals(1, limits.activeStreams("acme"), "refusals hold nothing");
    }

    @Test
    void aTenantWhoseTokensAreSpentIsRefusedUntilTheBudgetRefills() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(5_000_000_000L);
        TenantLimits limits = new TenantLimits(8, 1_000, 8, 600, clock::get);

        assertTrue(limits.tryAcquire("acme").isEmpty());
        limits.chargeTokens("acme", 599);
        assertTrue(limits.tryAcquire("acme").isEmpty(), "one token left: still admitted");
        limits.chargeTokens("acme", 31);
        var refused = limits.tryAcquire("acme");
        assertTrue(refused.isPresent(), "30 tokens over");
        assertEquals("at most 600 tokens per minute per tenant", refused.get().reason());
        assertEquals(3, refused.get().retryAfterSeconds(), "30 tokens at 10 a second");
        assertEquals(2, limits.activeStreams("acme"), "a refusal holds no stream");
        assertTrue(limits.tryAcquire("globex").isEmpty(), "another tenant has its own budget");

        clock.addAndGet(3_000_000_000L);
        assertTrue(limits.tryAcquire("acme").isPresent(), "exactly spent is still spent");
        clock.addAndGet(1);
        assertTrue(limits.tryAcquire("acme").isEmpty(), "refilled");
    }

    @Test
    void aHugeAnswerCostsAtMostAMinutesWait() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        TenantLimits limits = new TenantLimits(8, 1_000, 8, 600, clock::get);

        limits.chargeTokens("acme", 1_000_000);

        assertEquals(60, limits.tryAcquire("acme").orElseThrow().retryAfterSeconds(),
                "the debt stops at a minute's worth");
    }

    @Test
    void withoutATokenLimitChargesChangeNothing() {
        TenantLimits limits = new TenantLimits(8, 1_000, 8);
        limits.chargeTokens("acme", Long.MAX_VALUE);
        assertTrue(limits.tryAcquire("acme").isEmpty());
    }

    @Test
    void asAnAdmissionItDecidesAtOnceAndAllocatesNothingToAdmit() {
        TenantLimits limits = new TenantLimits(2, 1_000, 1);
        var first = limits.acquireStream("acme");
        var second = limits.acquireStream("acme");
        assertTrue(first.isDone() && second.isDone(), "no hop: decided on the caller's thread");
        assertTrue(first == second, "an admission is the tenant's one completed future");
        var refused = limits.acquireStream("acme").getNow(null);
        assertTrue(refused instanceof TenantAdmission.Refusal r && r.reason().contains("2 concurrent streams"));
        ((TenantAdmission.Slot) first.getNow(null)).release();
        assertEquals(1, limits.activeStreams("acme"));
        assertTrue(limits.acquireStream("acme").getNow(null) instanceof TenantAdmission.Slot);

        var read = limits.acquireRead("acme").getNow(null);
        assertTrue(limits.acquireRead("acme").getNow(null) instanceof TenantAdmission.Refusal);
        ((TenantAdmission.Slot) read).release();
        assertTrue(limits.acquireRead("acme").getNow(null) instanceof TenantAdmission.Slot);
    }
}
