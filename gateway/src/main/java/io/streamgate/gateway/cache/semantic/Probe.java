package io.streamgate.gateway.cache.semantic;

/**
 * A probe's result: the nearest entry at or above the threshold ({@code key} non-null) or none; the question's
 * vector either way, so that storing the answer later need not embed the question again.
 *
 * @param key        the exact-cache key of the nearest entry, or null on a miss
 * @param similarity that entry's cosine similarity to the question (0 on a miss)
 * @param vector     the question's unit vector
 */
public record Probe(String key, double similarity, float[] vector) {

    public boolean hit() {
        return key != null;
    }
}
