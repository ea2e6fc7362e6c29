package io.streamgate.gateway.cache.semantic;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * all-MiniLM-L6-v2, quantized, on ONNX Runtime, as langchain4j ships it: 384 dimensions, local, no network. The
 * model loads once (about a second) when this is built.
 */
public final class MiniLmEmbedder implements Embedder {

    private final AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();

    @Override
    public int dimensions() {
        return 384;
    }

    @Override
    public float[] embed(String text) {
        float[] v = model.embed(text).content().vector();
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }
}
