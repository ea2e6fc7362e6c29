package io.streamgate.bench.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Precision, recall, the threshold rule and the cross-validation, on small hand-made lists. */
class MetricsTest {

    private static ScoredPair same(double similarity) {
        return new ScoredPair(new LabelledPair(true, "q", "p", "reword"), similarity);
    }

    private static ScoredPair different(double similarity) {
        return new ScoredPair(new LabelledPair(false, "q", "n", "negation"), similarity);
    }

    /** Four paraphrases (0.95, 0.90, 0.85, 0.60) and three near-misses (0.92, 0.80, 0.40). */
    private static final List<ScoredPair> PAIRS = List.of(same(0.95), same(0.90), same(0.85), same(0.60),
            different(0.92), different(0.80), different(0.40));

    @Test
    void countsAPairAsAHitAtOrAboveTheThreshold() {
        Counts c = Counts.at(PAIRS, 0.85);

        assertEquals(new Counts(0.85, 3, 1, 1, 2), c);
        assertEquals(0.75, c.precision(), 1e-12);
        assertEquals(0.75, c.recall(), 1e-12);
        assertEquals(1.0 / 3, c.falsePositiveRate(), 1e-12);
        assertEquals(0.75, c.f(0.5), 1e-12, "F of equal precision and recall is that value");
        assertEquals(new Counts(0.86, 2, 1, 2, 2), Counts.at(PAIRS, 0.86), "0.85 misses at 0.86");
    }

    @Test
    void fHalfWeighsPrecisionAboveRecall() {
        Counts c = Counts.at(PAIRS, 0.93);  // one paraphrase hits, nothing else: precision 1, recall 0.25

        assertEquals(1.0, c.precision(), 1e-12);
        assertEquals(0.25, c.recall(), 1e-12);
        assertEquals(1.25 * 0.25 / (0.25 + 0.25), c.f(0.5), 1e-12);
        assertEquals(2 * 0.25 / 1.25, c.f(1), 1e-12);
    }

    @Test
    void precisionIsUndefinedWhenNothingHits() {
        Counts none = Counts.at(PAIRS, 0.99);

        assertEquals(0, none.hits());
        assertTrue(Double.isNaN(none.precision()));
        assertTrue(Double.isNaN(none.f(0.5)));
        assertEquals(0.0, none.recall());
    }

    private static ThresholdRule rule(double minPrecision, double minRecall) {
        return new ThresholdRule(ThresholdRule.sweep(70, 99), minPrecision, minRecall);
    }

    @Test
    void theRuleChoosesTheLowestThresholdThatReachesThePrecision() {
        ThresholdRule rule = rule(0.98, 0.20);

        ThresholdRule.Choice chosen = rule.choose(PAIRS).orElseThrow();

        // 0.85..0.92 still hit the 0.92 near-miss; 0.93 is the first with precision 1
        assertEquals(0.93, chosen.threshold());
        assertEquals(new Counts(0.93, 1, 0, 3, 3), chosen.counts());
        assertEquals(ThresholdRule.Step.PRECISION, chosen.step());
        assertTrue(chosen.precisionMet());
        assertEquals(30, rule.sweep(PAIRS).size());
        Counts lenient = rule(0.7, 0.20).choose(PAIRS).orElseThrow().counts();
        assertEquals(0.81, lenient.threshold(), "0.70 to 0.80 hit both the 0.80 and the 0.92 near-miss: precision 3/5");
        assertEquals(0.75, lenient.precision(), 1e-12);
    }

    @Test
    void withoutThePrecisionTheRuleFallsBackToTheHighestThresholdReachingTheRecallFloor() {
        List<ScoredPair> hard = List.of(same(0.95), different(0.97));
        ThresholdRule rule = rule(0.98, 0.20);

        // Precision is 0.5 up to 0.95, 0 at 0.96 and 0.97, undefined above: the target is never met. Before the
        // recall floor was added to the rule this chose nothing; now the second step chooses 0.95, the last
        // threshold at which the paraphrase still hits.
        ThresholdRule.Choice chosen = rule.choose(hard).orElseThrow();
        assertFalse(chosen.precisionMet(), "the precision target is reported as not met");
        assertEquals(ThresholdRule.Step.RECALL_FLOOR, chosen.step());
        assertEquals(new Counts(0.95, 1, 1, 0, 0), chosen.counts());
        assertEquals(0.70, rule.bestPrecision(hard).orElseThrow().threshold(), "0.5 from 0.70 to 0.95, then 0");
    }

    @Test
    void theRecallFloorIsInclusiveAndChoosesNothingWhenNoThresholdReachesIt() {
        // Five paraphrases; a near-miss above them all keeps the precision below the target at every threshold.
        List<ScoredPair> pairs = List.of(same(0.80), same(0.85), same(0.90), same(0.93), same(0.96), different(0.99));

        ThresholdRule.Choice atFloor = rule(0.98, 0.20).choose(pairs).orElseThrow();
        assertEquals(0.96, atFloor.threshold(), "recall exactly 1/5 at 0.96 reaches a floor of 0.20");
        assertEquals(0.20, atFloor.counts().recall());
        assertEquals(ThresholdRule.Step.RECALL_FLOOR, atFloor.step());
        assertEquals(0.93, rule(0.98, 0.21).choose(pairs).orElseThrow().threshold(),
                "just above 1/5, the floor needs two paraphrases");

        List<ScoredPair> none = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            none.add(same(0.60));   // below the sweep: never hit
        }
        none.add(same(0.96));   // recall 0.1 at most
        none.add(different(0.99));
        assertEquals(Optional.empty(), rule(0.98, 0.20).choose(none), "neither step finds a threshold");
    }

    @Test
    void theRecallFloorMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> rule(0.98, 0));
        assertThrows(IllegalArgumentException.class, () -> rule(0.98, 1.01));
        assertThrows(IllegalArgumentException.class, () -> rule(0.98, Double.NaN));
    }

    @Test
    void sweepThresholdsAreExactHundredths() {
        List<Double> t = ThresholdRule.sweep(70, 99);

        assertEquals(30, t.size());
        assertEquals(0.70, t.getFirst());
        assertEquals(0.93, t.get(23));
        assertEquals(0.99, t.getLast());
    }

    @Test
    void crossValidationChoosesOnTheOtherFoldsAndMeasuresOnTheHeldOutOne() {
        List<ScoredPair> pairs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pairs.add(same(0.90 + i * 0.005));   // paraphrases at 0.900..0.945
            pairs.add(different(0.50 + i * 0.02));   // near-misses at 0.50..0.68, all below the sweep
        }
        pairs.add(different(0.89));   // one near-miss just below every paraphrase
        ThresholdRule rule = rule(0.98, 0.20);

        CrossValidation.Result cv = CrossValidation.run(pairs, rule, 5, 1);

        assertEquals(5, cv.folds().size());
        for (CrossValidation.Fold f : cv.folds()) {
            // trained with the 0.89 near-miss the rule stops at 0.90; without it, at 0.70
            assertTrue(f.threshold() == 0.90 || f.threshold() == 0.70, "threshold " + f.threshold());
        }
        assertEquals(1, cv.folds().stream().filter(f -> f.threshold() == 0.70).count(),
                "only the fold holding the 0.89 near-miss trains without it");
        assertEquals(new Counts(Double.NaN, 10, 1, 0, 10), cv.pooled(), "held out, the 0.89 near-miss hits at 0.70");
        assertEquals(10.0 / 11, cv.pooled().precision(), 1e-12);
    }

    @Test
    void crossValidationUsesTheRecallFloorWhenNoFoldReachesThePrecision() {
        List<ScoredPair> pairs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pairs.add(same(0.90 + i * 0.005));   // paraphrases at 0.900..0.945
            pairs.add(different(0.96));   // near-misses above every paraphrase: precision at most 0.5 anywhere
        }

        CrossValidation.Result cv = CrossValidation.run(pairs, rule(0.98, 0.20), 5, 1);

        for (CrossValidation.Fold f : cv.folds()) {
            assertEquals(ThresholdRule.Step.RECALL_FLOOR, f.choice().orElseThrow().step());
            assertTrue(f.threshold() >= 0.90 && f.threshold() <= 0.94, "threshold " + f.threshold());
        }
        assertEquals(10, cv.pooled().falsePositives(), "held out, every near-miss hits below 0.95");
        assertEquals(0, cv.pooled().trueNegatives());
        assertTrue(cv.pooled().truePositives() > 0, "and some paraphrases do: the cache is not off");
    }

    @Test
    void foldsAreStratifiedAndPartitionThePairs() {
        List<ScoredPair> pairs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            pairs.add(same(i / 100.0));
            pairs.add(different(i / 100.0));
        }

        List<List<ScoredPair>> folds = CrossValidation.folds(pairs, 5, 7);

        assertEquals(5, folds.size());
        HashSet<ScoredPair> all = new HashSet<>();
        for (List<ScoredPair> f : folds) {
            assertEquals(10, f.stream().filter(p -> p.pair().same()).count());
            assertEquals(10, f.stream().filter(p -> !p.pair().same()).count());
            all.addAll(f);
        }
        assertEquals(new HashSet<>(pairs), all);
        assertEquals(folds, CrossValidation.folds(pairs, 5, 7), "the same seed, the same folds");
    }
}
