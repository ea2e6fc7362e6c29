package io.streamgate.bench.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * How the default threshold is chosen: the lowest threshold of the sweep whose precision is at least
 * {@code minPrecision}, because a cache that serves a wrong answer is worse than one that misses. A threshold at
 * which nothing hits has no precision and is never chosen.
 */
public record ThresholdRule(List<Double> thresholds, double minPrecision) {

    /** 0.70 to 0.99 in steps of 0.01, precision at least 0.98. */
    public static final ThresholdRule DEFAULT = new ThresholdRule(sweep(70, 99), 0.98);

    public ThresholdRule {
        thresholds = List.copyOf(thresholds);
        for (int i = 1; i < thresholds.size(); i++) {
            if (!(thresholds.get(i) > thresholds.get(i - 1))) {
                throw new IllegalArgumentException("thresholds must ascend: " + thresholds);
            }
        }
    }

    /** {@code fromPercent/100} to {@code toPercent/100} in steps of 0.01, each built from an integer (no drift). */
    public static List<Double> sweep(int fromPercent, int toPercent) {
        List<Double> t = new ArrayList<>();
        for (int c = fromPercent; c <= toPercent; c++) {
            t.add(c / 100.0);
        }
        return t;
    }

    /** The counts at each threshold, in ascending order. */
    public List<Counts> sweep(Collection<ScoredPair> pairs) {
        return thresholds.stream().map(t -> Counts.at(pairs, t)).toList();
    }

    /** The counts at the chosen threshold; empty when no threshold reaches the precision. */
    public Optional<Counts> choose(Collection<ScoredPair> pairs) {
        for (double t : thresholds) {
            Counts c = Counts.at(pairs, t);
            if (c.hits() > 0 && c.precision() >= minPrecision) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The counts at the threshold with the best precision (the lowest on a tie); empty when nothing ever hits. */
    public Optional<Counts> bestPrecision(Collection<ScoredPair> pairs) {
        Counts best = null;
        for (Counts c : sweep(pairs)) {
            if (c.hits() > 0 && (best == null || c.precision() > best.precision())) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }
}
