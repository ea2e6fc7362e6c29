package io.streamgate.gateway.dropin;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.auth.TenantAdmission;
import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.routing.ModelRouter;
import io.streamgate.gateway.usage.UsageMeter;
import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.UpstreamTransport;
import java.time.Duration;

/**
 * What the drop-in endpoints share across connections.
 *
 * @param transport sends pass-through requests (the same transport the providers use)
 * @param usage where each call's tokens are billed
 * @param ringCapacity events buffered per stream between the provider and the client
 * @param maxAnswerChars the largest whole answer assembled for a client that does not stream
 * @param firstTokenTimeout how long a provider may stay silent after a call opens
 * @param idleTimeout how long a provider may stay silent once it has sent something
 * @param streamLimits what the pass-through's side reading may gather (tool calls, their arguments), as the
 *     deployments' typed calls are bounded
 * @param cache the answer cache, or {@code null} when it is off
 */
public record DropInServices(
        ModelRouter router,
        UpstreamTransport transport,
        TenantAdmission limits,
        UsageMeter usage,
        int ringCapacity,
        int maxAnswerChars,
        Duration firstTokenTimeout,
        Duration idleTimeout,
        StreamLimits streamLimits,
        AnswerCache cache) {

    public DropInServices {
        requireNonNull(router, "router");
        requireNonNull(transport, "transport");
        requireNonNull(limits, "limits");
        requireNonNull(usage, "usage");
        requireNonNull(firstTokenTimeout, "firstTokenTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(streamLimits, "streamLimits");
        if (ringCapacity < 2 || maxAnswerChars < 1) {
            throw new IllegalArgumentException("ringCapacity and maxAnswerChars must be positive");
        }
    }
}
