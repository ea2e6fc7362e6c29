package io.streamgate.gateway.cache.semantic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic embedder for the index's logic: known texts get the vectors they were given, any other text a
 * unit vector derived from its hash. Records each text and thread; can hold the thread inside {@link #embed}.
 */
final class FakeEmbedder implements Embedder {

    private final int dimensions;
    private final Map<String, float[]> known = new ConcurrentHashMap<>();
    final List<String> texts = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    private volatile String gatedText;
    private volatile String failingText;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    FakeEmbedder(int dimensions) {
        this.dimensions = dimensions;
    }

    FakeEmbedder with(String text, float... vector) {
        known.put(text, vector);
        return this;
    }

    /** Embedding {@code text} waits for {@link #release()}; {@link #awaitEntered()} returns once it is waiting. */
    FakeEmbedder gate(String text) {
        gatedText = text;
        return this;
    }

    /** Embedding {@code text} throws. */
    FakeEmbedder failOn(String text) {
        failingText = text;
        return this;
    }

    void awaitEntered() throws InterruptedException {
        if (!entered.await(20, TimeUnit.SECONDS)) {
            throw new AssertionError("the gated text was never embedded");
        }
    }

    void release() {
        release.countDown();
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public float[] embed(String text) {
        texts.add(text);
        threads.add(Thread.currentThread().getName());
        if (text.equals(failingText)) {
            throw new IllegalStateException("model failed on " + text);
        }
        if (text.equals(gatedText)) {
            entered.countDown();
            try {
                if (!release.await(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("gate never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        float[] v = known.get(text);
        return v != null ? v.clone() : hashed(text);
    }

    private float[] hashed(String text) {
        var random = new java.util.Random(text.hashCode());
        float[] v = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dimensions; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
