package io.streamgate.bench.cache;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * How the default threshold is chosen, in two steps. First, the lowest threshold of the sweep whose precision is at
 * least {@code minPrecision}, because a cache that serves a wrong answer is worse than one that misses (a threshold
 * at which nothing hits has no precision and is never chosen). When none reaches it, the highest threshold whose
 * recall is still at least {@code minRecall}: it serves that share of paraphrases with as few wrong answers as the
 * sweep allows (the wrong answers served only fall as the threshold rises).
 */
public record ThresholdRule(List<Double> thresholds, double minPrecision, double minRecall) {

    /** 0.70 to 0.99 in steps of 0.01; precision at least 0.98, else recall at least 0.20. */
    public static final ThresholdRule DEFAULT = new ThresholdRule(sweep(70, 99), 0.98, 0.20);

    /** Which step of the rule made the choice. */
    public enum Step {
        /** The lowest threshold reaching the precision target. */
        PRECISION,
        /** No threshold reached the precision target: the highest one still reaching the recall floor. */
        RECALL_FLOOR
    }

    /** The chosen threshold's counts and the step that chose it. */
    public record Choice(Counts counts, Step step) {

        public Choice {
            requireNonNull(counts, "counts");
            requireNonNull(step, "step");
        }

        public double threshold() {
            return counts.threshold();
        }

        public boolean precisionMet() {
            return step == Step.PRECISION;
        }
    }

    public ThresholdRule {
        thresholds = List.copyOf(thresholds);
        for (int i = 1; i < thresholds.size(); i++) {
            if (!(thresholds.get(i) > thresholds.get(i - 1))) {
                throw new IllegalArgumentException("thresholds must ascend: " + thresholds);
            }
        }
        // A floor of 0 would choose the highest threshold even when nothing hits there.
        if (!(minRecall > 0 && minRecall <= 1)) {
            throw new IllegalArgumentException("minRecall must be in (0, 1]: " + minRecall);
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

    /** The chosen threshold by the first step that finds one; empty when neither does. */
    public Optional<Choice> choose(Collection<ScoredPair> pairs) {
        List<Counts> sweep = sweep(pairs);
        for (Counts c : sweep) {
            if (c.hits() > 0 && c.precision() >= minPrecision) {
                return Optional.of(new Choice(c, Step.PRECISION));
            }
        }
        for (Counts c : sweep.reversed()) {
            if (c.recall() >= minRecall) {   // NaN (no paraphrases) never passes
                return Optional.of(new Choice(c, Step.RECALL_FLOOR));
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
