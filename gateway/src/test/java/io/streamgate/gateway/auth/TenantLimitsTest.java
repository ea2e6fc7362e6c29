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
}
