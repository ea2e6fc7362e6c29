package io.streamgate.gateway.usage;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.auth.TenantAdmission;
import io.streamgate.gateway.metrics.GatewayMetrics;

/**
 * Where every request's token usage goes, whichever API it came in by: the {@code llm_tokens_total} metric, and the
 * tenant's tokens-per-minute allowance. Thread-safe.
 */
public final class UsageMeter {

    private final GatewayMetrics metrics;
    private final TenantAdmission limits;

    public UsageMeter(GatewayMetrics metrics, TenantAdmission limits) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.limits = requireNonNull(limits, "limits");
    }

    /**
     * Bills {@code tokens} to {@code tenant}.
     *
     * @param tenant the authenticated tenant (bounded by the configured keys), or {@code -}
     * @param model the route's label ({@link io.streamgate.gateway.routing.ModelRouter#label}), never a client's
     *     free-form model name
     */
    public void bill(String tenant, String model, TokenCount tokens) {
        requireNonNull(tenant, "tenant");
        requireNonNull(model, "model");
        metrics.tokens(tenant, model, tokens);
        limits.chargeTokens(tenant, tokens.billable());
    }
}
