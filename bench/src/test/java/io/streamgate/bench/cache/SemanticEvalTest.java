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
        return report(pairs, 0.93);
    }

    private static String report(List<ScoredPair> pairs, double gatewayDefault) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SemanticEval.report(pairs, "test", ThresholdRule.DEFAULT, gatewayDefault, 3,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reportsTheChosenDefaultItsFiguresAndMarksItInTheSweep() {
        String out = report(List.of(pair(true, 0.95, "p1"), pair(true, 0.90, "p2"), pair(true, 0.60, "p3"),
                pair(false, 0.92, "n1"), pair(false, 0.30, "n2")));

        assertTrue(out.contains("Default threshold: 0.93 (step 1, precision target met: the lowest with precision "
                + ">= 0.98)"), out);
        assertTrue(out.contains("The gateway's default (CacheSettings.DEFAULT_SEMANTIC_THRESHOLD) is 0.93: the rule's "
                + "choice."), out);
        assertFalse(out.contains("MISMATCH"), out);
        assertTrue(out.contains("     0.93    1    0    2    2     1.000   0.333  0.714    0.000  <- default"), out);
        assertTrue(out.contains("At 0.93: precision 1.000, recall 0.333 (1 of 3 paraphrases hit; 0 of 2 near-misses"),
                out);
        assertTrue(out.contains("     0.920  [negation]  n1  |  n1?"), "the closest near-miss, listed: " + out);
        assertTrue(out.contains("  FN 0.600  [reword]  p3  |  p3?"), out);
        assertTrue(out.contains("5-fold cross-validation"), out);
    }

    @Test
    void saysWhenThePrecisionIsNotReachedAndTheRecallFloorChoseTheDefault() {
        String out = report(List.of(pair(true, 0.95, "p1"), pair(false, 0.97, "n1"), pair(true, 0.80, "p2"),
                pair(false, 0.20, "n2"), pair(true, 0.85, "p3")), 0.95);

        assertTrue(out.contains("Default threshold: 0.95 (step 2, recall floor: no threshold in the sweep reaches "
                + "precision 0.98, so the highest with recall >= 0.20)"), out);
        assertTrue(out.contains("     0.95    1    1    2    1     0.500   0.333  0.455    0.500  <- default"), out);
        assertTrue(out.contains("  FP 0.970  [negation]  n1  |  n1?"), out);
        assertTrue(out.contains("(step 2)"), "the folds say which step chose: " + out);
    }

    @Test
    void saysSoWhenNeitherStepChoosesADefault() {
        String out = report(List.of(pair(true, 0.60, "p1"), pair(false, 0.97, "n1"), pair(true, 0.65, "p2"),
                pair(true, 0.50, "p3"), pair(false, 0.10, "n2"), pair(false, 0.30, "n3")));

        assertTrue(out.contains("No threshold in the sweep reaches precision 0.98 nor recall 0.20"), out);
        assertFalse(out.contains("<- default"), out);
    }

    @Test
    void flagsAGatewayDefaultThatIsNotTheRulesChoice() {
        String out = report(List.of(pair(true, 0.95, "p1"), pair(true, 0.90, "p2"), pair(true, 0.60, "p3"),
                pair(false, 0.92, "n1"), pair(false, 0.30, "n2")), 0.9);

        assertTrue(out.contains("MISMATCH: the gateway's default (CacheSettings.DEFAULT_SEMANTIC_THRESHOLD) is 0.9, "
                + "the rule chooses 0.93: set it to 0.93."), out);
    }

    @Test
    void theSimilarityIsTheDotProduct() {
        assertEquals(0.6, SemanticEval.dot(new float[] {0.6f, 0.8f}, new float[] {1, 0}), 1e-6);
        assertEquals(-1, SemanticEval.dot(new float[] {0, 1}, new float[] {0, -1}), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> SemanticEval.dot(new float[2], new float[3]));
    }
}
