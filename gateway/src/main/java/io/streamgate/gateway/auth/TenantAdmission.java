package io.streamgate.gateway.auth;

import java.util.concurrent.CompletableFuture;

/**
 * Admits a tenant's requests under its limits: concurrent streams, requests per minute, tokens per minute and history
 * reads in flight. Node-local ({@link TenantLimits}), or shared by the nodes of a cluster ({@link SharedTenantLimits}).
 *
 * <p>A decision may take a round trip to Redis, so it comes as a future, completed on whichever thread decided it:
 * a caller hops back to its event loop before touching channel state. The node-local one completes at once, and a
 * caller that finds the future {@linkplain CompletableFuture#isDone done} goes on without a hop. The futures never
 * fail: when the shared state cannot decide, the node-local limits do.
 */
public interface TenantAdmission {

    /** The answer: a {@link Slot} to hold while the request runs, or a {@link Refusal}. */
    sealed interface Decision permits Slot, Refusal {}

    /**
     * What an admitted stream or read holds. {@link #release} it exactly once when the request ends, also when the
     * client left before the decision arrived.
     */
    non-sealed interface Slot extends Decision {
        void release();
    }

    /** A refusal: how long until trying again is worthwhile, in whole seconds (at least 1). */
    record Refusal(String reason, long retryAfterSeconds) implements Decision {}

    /**
     * Admits one stream for {@code tenant}: it takes a concurrency slot and a request token, unless the tenant's token
     * budget is spent.
     */
    CompletableFuture<Decision> acquireStream(String tenant);

    /**
     * Admits one history read for {@code tenant}: it takes a request token and one of this node's read slots (reads
     * bound this node's store threads, so their cap stays node-local).
     */
    CompletableFuture<Decision> acquireRead(String tenant);

    /**
     * Charges {@code tokens} a finished (or cut) request used to {@code tenant}'s per-minute budget; no-op without a
     * token limit. Never waits.
     */
    void chargeTokens(String tenant, long tokens);
}
