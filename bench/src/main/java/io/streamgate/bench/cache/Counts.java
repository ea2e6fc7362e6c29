package io.streamgate.bench.cache;

import java.util.Collection;

/**
 * The confusion counts at one threshold. A {@code same} pair that hits is a true positive (a correct cache hit);
 * a {@code different} pair that hits is a false positive (a wrong answer served); a {@code same} pair that misses
 * is a false negative (a provider call the cache could have saved).
 */
public record Counts(double threshold, int truePositives, int falsePositives, int falseNegatives, int trueNegatives) {

    public static Counts at(Collection<ScoredPair> pairs, double threshold) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        for (ScoredPair p : pairs) {
            boolean hit = p.hits(threshold);
            if (p.pair().same()) {
                if (hit) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (hit) {
                fp++;
            } else {
                tn++;
            }
        }
        return new Counts(threshold, tp, fp, fn, tn);
    }

    /** The sum of two counts (folds of a cross-validation), each measured at its own threshold. */
    public Counts plus(Counts o) {
        return new Counts(Double.NaN, truePositives + o.truePositives, falsePositives + o.falsePositives,
                falseNegatives + o.falseNegatives, trueNegatives + o.trueNegatives);
    }

    public int hits() {
        return truePositives + falsePositives;
    }

    /** The share of hits that served a correct answer; NaN when nothing hit. */
    public double precision() {
        return hits() == 0 ? Double.NaN : (double) truePositives / hits();
    }

    /** The share of paraphrases that hit; NaN without paraphrases. */
    public double recall() {
        int same = truePositives + falseNegatives;
        return same == 0 ? Double.NaN : (double) truePositives / same;
    }

    /** The share of near-misses that hit (each one a wrong answer served); NaN without near-misses. */
    public double falsePositiveRate() {
        int different = falsePositives + trueNegatives;
        return different == 0 ? Double.NaN : (double) falsePositives / different;
    }

    /** F-beta; 0.5 weighs precision above recall, as a wrong answer costs more than a miss. NaN when nothing hit. */
    public double f(double beta) {
        double p = precision();
        double r = recall();
        if (Double.isNaN(p) || Double.isNaN(r)) {
            return Double.NaN;
        }
        double b2 = beta * beta;
        return p + r == 0 ? 0 : (1 + b2) * p * r / (b2 * p + r);
    }
}
