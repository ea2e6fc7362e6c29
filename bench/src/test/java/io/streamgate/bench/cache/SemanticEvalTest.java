package io.streamgate.bench.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report and the helpers, without the model (the pairs are scored by hand). */
class SemanticEvalTest {

    private static ScoredPair pair(boolean same, double similarity, String a) {
        return new ScoredPair(new LabelledPair(same, a, a + "?", same ? "reword" : "negation"), similarity);
    }

    private static String report(List<ScoredPair> pairs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SemanticEval.report(pairs, "test", ThresholdRule.DEFAULT, 3,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reportsTheChosenDefaultItsFiguresAndMarksItInTheSweep() {
        String out = report(List.of(pair(true, 0.95, "p1"), pair(true, 0.90, "p2"), pair(true, 0.60, "p3"),
                pair(false, 0.92, "n1"), pair(false, 0.30, "n2")));

        assertTrue(out.contains("Default threshold (the lowest with precision >= 0.98): 0.93"), out);
        assertTrue(out.contains("     0.93    1    0    2    2     1.000   0.333  0.714    0.000  <- default"), out);
        assertTrue(out.contains("At 0.93: precision 1.000, recall 0.333 (1 of 3 paraphrases hit; 0 of 2 near-misses"),
                out);
        assertTrue(out.contains("     0.920  [negation]  n1  |  n1?"), "the closest near-miss, listed: " + out);
        assertTrue(out.contains("  FN 0.600  [reword]  p3  |  p3?"), out);
        assertTrue(out.contains("5-fold cross-validation"), out);
    }

    @Test
    void saysSoWhenNoThresholdReachesThePrecision() {
        String out = report(List.of(pair(true, 0.95, "p1"), pair(false, 0.97, "n1"), pair(true, 0.80, "p2"),
                pair(false, 0.20, "n2"), pair(true, 0.85, "p3")));

        assertTrue(out.contains("No threshold in the sweep reaches precision 0.98"), out);
        assertFalse(out.contains("<- default"), out);
        assertTrue(out.contains("  FP 0.970  [negation]  n1  |  n1?"), out);
    }

    @Test
    void normalisesWhitespaceAsTheGatewayDoes() {
        assertEquals("how do I reset my password", SemanticEval.normalise("  how do\tI reset\n\nmy   password \r\n"));
        assertEquals("a".repeat(1000), SemanticEval.normalise("a".repeat(1500)));
        String emoji = "\uD83D\uDE00";
        String cut = SemanticEval.normalise("a".repeat(999) + emoji);
        assertEquals("a".repeat(999), cut, "a surrogate pair is not split");
    }

    @Test
    void theSimilarityIsTheDotProduct() {
        assertEquals(0.6, SemanticEval.dot(new float[] {0.6f, 0.8f}, new float[] {1, 0}), 1e-6);
        assertEquals(-1, SemanticEval.dot(new float[] {0, 1}, new float[] {0, -1}), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> SemanticEval.dot(new float[2], new float[3]));
    }
}
