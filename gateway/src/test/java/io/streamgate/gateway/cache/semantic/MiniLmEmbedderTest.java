package io.streamgate.gateway.cache.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real model: paraphrases are close, unrelated questions far, through the index as the gateway uses it. */
class MiniLmEmbedderTest {

    private static MiniLmEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = new MiniLmEmbedder();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    @Test
    void vectorsHave384DimensionsAndUnitLength() {
        float[] v = embedder.embed("how do I reset my password");
        assertEquals(384, v.length);
        assertEquals(1.0, cosine(v, v), 1e-5);
    }

    @Test
    void aParaphraseIsCloseAndAnUnrelatedQuestionFar() {
        float[] question = embedder.embed("how do I reset my password");
        double paraphrase = cosine(question, embedder.embed("how can I reset my password?"));
        double unrelated = cosine(question, embedder.embed("what is the capital of France"));
        assertTrue(paraphrase > 0.8, "paraphrase " + paraphrase);
        assertTrue(unrelated < 0.3, "unrelated " + unrelated);
    }

    @Test
    void theIndexFindsTheParaphraseAndNotTheUnrelatedQuestion() throws Exception {
        var settings = new SemanticSettings(0.8, Duration.ofMinutes(5), 1 << 20, 16, 500);
        try (var index = new SemanticIndex(embedder, settings, System::nanoTime)) {
            index.add("tenant", "scope", "how do I reset my password", null, "key-password");

            Probe paraphrase = index.probe("tenant", "scope", "  How can I reset my password? ").get(20, TimeUnit.SECONDS);
            assertTrue(paraphrase.hit(), "similarity " + paraphrase.similarity());
            assertEquals("key-password", paraphrase.key());

            Probe unrelated = index.probe("tenant", "scope", "what is the capital of France").get(20, TimeUnit.SECONDS);
            assertFalse(unrelated.hit(), "similarity " + unrelated.similarity());
        }
    }

    @Test
    void oneIntraOpThreadGivesTheSameVectorsAsOnnxRuntimesDefault() {
        var pooled = new MiniLmEmbedder(0);
        String text = "what are your opening hours on Sunday?";
        assertEquals(1.0, cosine(embedder.embed(text), pooled.embed(text)), 1e-5);
    }
}
