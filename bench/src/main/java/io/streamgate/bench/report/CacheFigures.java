package io.streamgate.bench.report;

import io.streamgate.bench.proc.MetricsScrape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answer cache's own view of one pass, from two scrapes of the gateway's metrics: lookups by result
 * ({@code cache_lookups_total{result}}) and the lookup latency histogram ({@code cache_lookup_latency_ms}), both
 * as differences over the pass.
 *
 * @param lookups lookups by result label over the pass, in the order the gateway exports them
 * @param upperBoundsMs the histogram's bucket bounds, ascending, the last {@code +Inf}
 * @param cumulative observations at or below each bound over the pass
 * @param sumMs the sum of the observed latencies over the pass
 */
public record CacheFigures(Map<String, Double> lookups, double[] upperBoundsMs, double[] cumulative, double sumMs) {

    public static final String LOOKUPS = "cache_lookups_total";
    public static final String LATENCY = "cache_lookup_latency_ms";

    /** A pass whose target exports no cache metrics. */
    public static final CacheFigures NONE = new CacheFigures(Map.of(), new double[0], new double[0], 0);

    private static final Pattern RESULT = Pattern.compile("^" + LOOKUPS + "\\{result=\"([a-z_]+)\"\\}$");
    private static final Pattern BUCKET = Pattern.compile("^" + LATENCY + "_bucket\\{le=\"([^\"]+)\"\\}$");

    /** The cache's figures between two scrapes; {@link #NONE} when {@code after} has no cache metrics. */
    public static CacheFigures between(MetricsScrape before, MetricsScrape after) {
        Map<String, Double> lookups = new LinkedHashMap<>();
        record Bucket(double bound, double count) { }
        List<Bucket> buckets = new ArrayList<>();
        for (Map.Entry<String, Double> e : after.samples().entrySet()) {
            double delta = e.getValue() - before.samples().getOrDefault(e.getKey(), 0.0);
            Matcher r = RESULT.matcher(e.getKey());
            if (r.matches()) {
                lookups.put(r.group(1), delta);
                continue;
            }
            Matcher b = BUCKET.matcher(e.getKey());
            if (b.matches()) {
                String le = b.group(1);
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                buckets.add(new Bucket(bound, delta));
            }
        }
        if (lookups.isEmpty()) {
            return NONE;
        }
        buckets.sort(java.util.Comparator.comparingDouble(Bucket::bound));
        Map<String, Double> ordered = new LinkedHashMap<>();
        for (String label : List.of("exact_hit", "semantic_hit", "miss", "skipped")) {
            if (lookups.containsKey(label)) {
                ordered.put(label, lookups.remove(label));
            }
        }
        ordered.putAll(new java.util.TreeMap<>(lookups));
        return new CacheFigures(ordered, buckets.stream().mapToDouble(Bucket::bound).toArray(),
                buckets.stream().mapToDouble(Bucket::count).toArray(),
                after.sum(LATENCY + "_sum") - before.sum(LATENCY + "_sum"));
    }

    public boolean known() {
        return !lookups.isEmpty();
    }

    /** Lookups with result {@code label} over the pass (0 when none). */
    public double lookups(String label) {
        return lookups.getOrDefault(label, 0.0);
    }

    public double count() {
        return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    }

    public double meanMs() {
        return count() > 0 ? sumMs / count() : Double.NaN;
    }

    /**
     * The {@code q}-quantile of the lookup latency, interpolated linearly inside its bucket as Prometheus's
     * {@code histogram_quantile} does (from 0 in the first bucket); a quantile in the {@code +Inf} bucket is given as
     * the highest finite bound. NaN without observations. Only as fine as the buckets.
     */
    public double latencyMs(double q) {
        double total = count();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double below = 0;
        for (int i = 0; i < upperBoundsMs.length; i++) {
            if (cumulative[i] >= rank) {
                if (Double.isInfinite(upperBoundsMs[i])) {
                    return lowerBound;
                }
                double inBucket = cumulative[i] - below;
                return inBucket <= 0 ? upperBoundsMs[i]
                        : lowerBound + (upperBoundsMs[i] - lowerBound) * (rank - below) / inBucket;
            }
            lowerBound = upperBoundsMs[i];
            below = cumulative[i];
        }
        return lowerBound;
    }
}
