package io.streamgate.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.cache.CacheSettings;
import io.streamgate.gateway.cache.semantic.MiniLmEmbedder;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QuestionsTest {

    @Test
    void theBundledListHasEnoughDifferentQuestionsForALightPassAndItsWarmUp() {
        Questions q = Questions.bundled();

        assertTrue(q.size() >= 200, "light: 100 measured streams after 100 warm-up streams, all new: " + q.size());
        assertEquals(q.size(), IntStream.range(0, q.size()).mapToObj(q::get).distinct().count());
    }

    /** The all-new scenario measures a semantic cache's misses: no question may be a paraphrase of another. */
    @Test
    void noTwoBundledQuestionsAreCloseEnoughForASemanticHitAtTheDefaultThreshold() {
        Questions q = Questions.bundled();
        MiniLmEmbedder embedder = new MiniLmEmbedder();
        float[][] v = IntStream.range(0, q.size()).mapToObj(i -> embedder.embed(q.get(i))).toArray(float[][]::new);

        double closest = -1;
        String pair = "";
        for (int i = 0; i < v.length; i++) {
            for (int j = i + 1; j < v.length; j++) {
                double cosine = 0;
                for (int k = 0; k < v[i].length; k++) {
                    cosine += v[i][k] * v[j][k]; // the embedder's vectors are unit length
                }
                if (cosine > closest) {
                    closest = cosine;
                    pair = q.get(i) + " | " + q.get(j);
                }
            }
        }
        assertTrue(closest < CacheSettings.DEFAULT_SEMANTIC_THRESHOLD, closest + ": " + pair);
    }

    @Test
    void freshQuestionsNeverRepeatAndGoRoundTheListWithItsRoundAppended() {
        Questions q = Questions.parse("# a comment\nWhere is my order?\n\nHow do I reset my password?\n");

        assertEquals(2, q.size());
        IntFunction<String> from = q.freshFrom(1);
        assertEquals("How do I reset my password?", from.apply(0));
        assertEquals("Where is my order? (2)", from.apply(1));
        assertEquals("How do I reset my password? (3)", from.apply(4));
        Set<String> seen = new HashSet<>();
        IntStream.range(0, 50).mapToObj(q::fresh).forEach(s -> assertTrue(seen.add(s), s));
    }

    @Test
    void repeatingAsksTheFirstFewQuestionsOverAndOver() {
        Questions q = Questions.parse("a?\nb?\nc?\n");

        IntFunction<String> two = q.repeating(2);
        assertEquals("a?", two.apply(0));
        assertEquals("b?", two.apply(1));
        assertEquals("a?", two.apply(2));
        assertThrows(IllegalArgumentException.class, () -> q.repeating(4));
    }

    @Test
    void aQuestionThatNeedsJsonEscapingOrComesTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Questions.parse("what does \"idempotent\" mean?\n"));
        assertThrows(IllegalArgumentException.class, () -> Questions.parse("a\\b?\n"));
        assertThrows(IllegalArgumentException.class, () -> Questions.parse("a?\nb?\na?\n"));
        assertThrows(IllegalArgumentException.class, () -> Questions.parse("# only a comment\n"));
    }
}
