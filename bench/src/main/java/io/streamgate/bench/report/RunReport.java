package io.streamgate.bench.report;

import java.util.List;
import java.util.Optional;

/**
 * Everything one harness run measured, ready to be rendered as text, JSON and HTML.
 *
 * @param passes in the order they ran: "direct" first, then "nginx" (optional), then "gateway" (or one
 *     "gateway-CLIENT" per upstream client asked for)
 * @param hold present for the hold profile only
 * @param environment free-form facts that matter for reading the numbers (cores, transport, pacing)
 */
public record RunReport(String name, String profile, int concurrency, int streams, List<PassResult> passes,
        Optional<HoldResult> hold, List<String> environment) {

    public Optional<PassResult> pass(String target) {
        return passes.stream().filter(p -> p.target().equals(target)).findFirst();
    }

    /** Added time to first content of {@code target} over "direct" at quantile {@code q}, in ms; NaN if unknown. */
    public double addedFirstContentMs(String target, double q) {
        return addedFirstContentMs(target, "direct", q);
    }

    /** Time to first content of {@code target} minus that of {@code baseline} at quantile {@code q}, in ms. */
    public double addedFirstContentMs(String target, String baseline, double q) {
        return pass(target).flatMap(p -> pass(baseline).map(d -> p.firstContent().ms(q) - d.firstContent().ms(q)))
                .orElse(Double.NaN);
    }

    /**
     * The (target, baseline) pairs the reports compare, among the passes present: nginx over direct, then each
     * gateway pass (one per upstream client asked for) over direct and over nginx, and each variant gateway pass
     * (shared state, a cache mode) over the same gateway without the variant.
     */
    public List<String[]> comparisons() {
        List<String[]> pairs = new java.util.ArrayList<>();
        pairs.add(new String[] {"nginx", "direct"});
        for (PassResult p : passes) {
            if (isGateway(p.target())) {
                pairs.add(new String[] {p.target(), "direct"});
                pairs.add(new String[] {p.target(), "nginx"});
                withoutVariant(p.target()).ifPresent(local -> pairs.add(new String[] {p.target(), local}));
            }
        }
        return pairs.stream().filter(pair -> pass(pair[0]).isPresent() && pass(pair[1]).isPresent()).toList();
    }

    /**
     * "gateway", "gateway-okhttp" and the like when several upstream clients were measured side by side, and each of
     * them with shared state ("gateway+redis", "gateway-netty+redis+postgres") or a cache mode ("gateway+cache-exact").
     */
    public static boolean isGateway(String target) {
        return target.equals("gateway") || target.startsWith("gateway-") || target.startsWith("gateway+");
    }

    /**
     * The pass name of a variant gateway's twin without the variant: "gateway" for "gateway+redis" (shared state) and
     * for "gateway+cache-exact" (the answer cache on, against the gateway with it off).
     */
    public static Optional<String> withoutVariant(String target) {
        int plus = target.indexOf('+');
        return plus > 0 ? Optional.of(target.substring(0, plus)) : Optional.empty();
    }

    public static final double[] QUANTILES = {0.5, 0.9, 0.99};
}
