package io.streamgate.gateway.cache.semantic;

import java.time.Duration;
import java.util.Objects;

/**
 * The semantic index's settings.
 *
 * @param threshold     the cosine similarity a probe needs for a hit, in (0, 1]
 * @param ttl           how long an entry can match after it was added
 * @param maxBytes      the estimated heap of entries and their graphs; over it the oldest entries go first
 * @param queueCapacity tasks waiting for the index's thread; past it a probe fails at once
 * @param maxTextChars  the longest question embedded (longer ones are cut to this)
 */
public record SemanticSettings(double threshold, Duration ttl, long maxBytes, int queueCapacity, int maxTextChars) {

    public SemanticSettings {
        Objects.requireNonNull(ttl, "ttl");
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1], was " + threshold);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
        }
        if (maxTextChars < 1) {
            throw new IllegalArgumentException("maxTextChars must be at least 1, was " + maxTextChars);
        }
    }
}
