package io.streamgate.bench.report;

import java.util.Arrays;
import java.util.function.ToLongFunction;

/**
 * Exact percentiles of one latency over a pass, from the sorted raw values (nearest-rank).
 *
 * <p>Why not a histogram: a pass has at most {@value io.streamgate.bench.Profile#MAX_HOLD} streams, so keeping
 * every value costs at most 80 KB and gives exact percentiles and an exact CDF for the chart.
 *
 * @param sortedNanos the values that were measured (streams that never reached the moment are left out)
 */
public record Percentiles(long[] sortedNanos) {

    public static final Percentiles EMPTY = new Percentiles(new long[0]);

    public static <T> Percentiles of(Iterable<T> items, ToLongFunction<T> nanos) {
        long[] values = java.util.stream.StreamSupport.stream(items.spliterator(), false)
                .mapToLong(nanos).filter(v -> v >= 0).toArray();
        Arrays.sort(values);
        return new Percentiles(values);
    }

    public int count() {
        return sortedNanos.length;
    }

    /** The nearest-rank {@code q}-quantile in nanoseconds ({@code q} in (0, 1]), or -1 with no values. */
    public long at(double q) {
        if (sortedNanos.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sortedNanos.length);
        return sortedNanos[Math.clamp(rank - 1, 0, sortedNanos.length - 1)];
    }

    public double ms(double q) {
        long v = at(q);
        return v < 0 ? Double.NaN : v / 1e6;
    }

    public double maxMs() {
        return ms(1.0);
    }
}
