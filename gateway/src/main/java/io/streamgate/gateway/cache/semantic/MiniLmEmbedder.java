package io.streamgate.gateway.cache.semantic;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * all-MiniLM-L6-v2, quantized, on ONNX Runtime, from the model and tokenizer langchain4j ships: 384 dimensions,
 * local, no network. The model loads (about a second) when this is built, so build it off any event loop.
 *
 * <p>By default the ONNX session runs each embedding on the calling thread alone (one intra-op thread): the index
 * embeds one short question at a time on its own thread, and ONNX Runtime's own pool would only add threads that
 * spin between runs and compete with the event loops for the cores.
 */
public final class MiniLmEmbedder implements Embedder {

    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private final Model model;

    public MiniLmEmbedder() {
        this(1);
    }

    /** @param intraOpThreads ONNX Runtime's threads per embedding; 0 leaves its default (one per core) */
    public MiniLmEmbedder(int intraOpThreads) {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, was " + intraOpThreads);
        }
        ClassLoader jar = AllMiniLmL6V2QuantizedEmbeddingModel.class.getClassLoader(); // not initialised: no 2nd copy
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (InputStream onnx = resource(jar, MODEL);
                InputStream tokenizer = resource(jar, TOKENIZER);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            }
            OrtSession session = env.createSession(onnx.readAllBytes(), options);
            model = new Model(new OnnxBertBiEncoder(env, session, tokenizer, PoolingMode.MEAN));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedding model", e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the embedding model", e);
        }
    }

    private static InputStream resource(ClassLoader loader, String name) throws IOException {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path");
        }
        return in;
    }

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

    /** langchain4j's embedding model over our own session; one text is embedded on the calling thread. */
    private static final class Model extends AbstractInProcessEmbeddingModel {

        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder) {
            super(Runnable::run); // never used for a single text; avoids langchain4j's default thread pool
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return 384;
        }
    }
}
