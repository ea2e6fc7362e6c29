package io.streamgate.gateway.cache.semantic;

/**
 * Turns a text into a unit-length vector, so that a dot product is the cosine similarity. Blocking and CPU-bound:
 * never call it on an event loop.
 */
public interface Embedder {

    /** The length of every vector {@link #embed} returns. */
    int dimensions();

    /** The text's vector, of length {@link #dimensions()} and norm 1. */
    float[] embed(String text);
}
