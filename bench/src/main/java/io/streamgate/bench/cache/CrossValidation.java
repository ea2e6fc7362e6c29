package io.streamgate.bench.cache;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A k-fold estimate of what the threshold rule gives on pairs it was not chosen on: the threshold is chosen on k-1
 * folds and measured on the remaining one, k times; the held-out counts are summed. Folds are stratified (each gets
 * its share of paraphrases and near-misses) after a shuffle with a fixed seed, so the figure is reproducible.
 */
public final class CrossValidation {

    /** One fold: the rule's choice without it (empty when neither step chose) and its held-out counts. */
    public record Fold(Optional<ThresholdRule.Choice> choice, Counts heldOut) {

        public Fold {
            requireNonNull(choice, "choice");
            requireNonNull(heldOut, "heldOut");
        }

        /** The threshold chosen on the other folds; NaN when none was. */
        public double threshold() {
            return choice.map(ThresholdRule.Choice::threshold).orElse(Double.NaN);
        }
    }

    public record Result(List<Fold> folds, Counts pooled) {}

    private CrossValidation() {}

    public static Result run(List<ScoredPair> pairs, ThresholdRule rule, int k, long seed) {
        requireNonNull(rule, "rule");
        if (k < 2 || k > pairs.size()) {
            throw new IllegalArgumentException("k must be in [2, " + pairs.size() + "]: " + k);
        }
        List<List<ScoredPair>> folds = folds(pairs, k, seed);
        List<Fold> result = new ArrayList<>(k);
        Counts pooled = new Counts(Double.NaN, 0, 0, 0, 0);
        for (int i = 0; i < k; i++) {
            List<ScoredPair> train = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                if (j != i) {
                    train.addAll(folds.get(j));
                }
            }
            // The whole rule (both steps) on the training folds; when neither chose, the cache is off: nothing hits.
            Optional<ThresholdRule.Choice> choice = rule.choose(train);
            Counts held = Counts.at(folds.get(i),
                    choice.map(ThresholdRule.Choice::threshold).orElse(Double.POSITIVE_INFINITY));
            result.add(new Fold(choice, held));
            pooled = pooled.plus(held);
        }
        return new Result(List.copyOf(result), pooled);
    }

    static List<List<ScoredPair>> folds(List<ScoredPair> pairs, int k, long seed) {
        List<ScoredPair> same = new ArrayList<>();
        List<ScoredPair> different = new ArrayList<>();
        for (ScoredPair p : pairs) {
            (p.pair().same() ? same : different).add(p);
        }
        Random random = new Random(seed);
        Collections.shuffle(same, random);
        Collections.shuffle(different, random);
        List<List<ScoredPair>> folds = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            folds.add(new ArrayList<>());
        }
        int i = 0;
        for (ScoredPair p : same) {
            folds.get(i++ % k).add(p);
        }
        for (ScoredPair p : different) {
            folds.get(i++ % k).add(p);
        }
        return folds;
    }
}
