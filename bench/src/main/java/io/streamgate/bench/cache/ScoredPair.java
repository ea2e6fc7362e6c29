package io.streamgate.bench.cache;

import static java.util.Objects.requireNonNull;

/** A labelled pair with the cosine similarity of its two questions' embeddings. */
public record ScoredPair(LabelledPair pair, double similarity) {

    public ScoredPair {
        requireNonNull(pair, "pair");
    }

    /** Whether a lookup with this threshold would serve one question's answer for the other. */
    public boolean hits(double threshold) {
        return similarity >= threshold;
    }
}
