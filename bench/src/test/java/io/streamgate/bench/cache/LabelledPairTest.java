package io.streamgate.bench.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelledPairTest {

    private static final String HEADER = "label\ta\tb\tcategory";

    @Test
    void theShippedSetHasEnoughOfEachLabelAndNoDuplicateOrEmptySide() {
        List<LabelledPair> pairs = LabelledPair.load();

        assertTrue(pairs.size() >= 200, "pairs: " + pairs.size());
        assertTrue(pairs.stream().filter(LabelledPair::same).count() >= 100, "same pairs");
        assertTrue(pairs.stream().filter(p -> !p.same()).count() >= 100, "different pairs");
        Set<Set<String>> seen = new HashSet<>();
        for (LabelledPair p : pairs) {
            assertFalse(p.a().isBlank() || p.b().isBlank() || p.category().isBlank(), p.toString());
            assertEquals(p.a().strip(), p.a(), "no surrounding whitespace: " + p);
            assertEquals(p.b().strip(), p.b(), "no surrounding whitespace: " + p);
            Set<String> key = Set.of(comparable(p.a()), comparable(p.b()));
            assertEquals(2, key.size(), "a pair of one question twice: " + p);
            assertTrue(seen.add(key), "a duplicate pair (in either order): " + p);
        }
    }

    /** Case and spacing do not make a different question (the model is uncased; the gateway collapses spaces). */
    private static String comparable(String question) {
        return String.join(" ", question.toLowerCase(Locale.ROOT).split("\\s+"));
    }

    @Test
    void parsesLabelsQuestionsAndCategoryAndSkipsBlankLines() {
        List<LabelledPair> pairs = LabelledPair.parse(List.of(HEADER,
                "same\thow do I reset my password\twhat's the way to reset my password\treword",
                "",
                "different\tconvert 5 miles to km\tconvert 5 km to miles\tdirection"));

        assertEquals(List.of(
                new LabelledPair(true, "how do I reset my password", "what's the way to reset my password", "reword"),
                new LabelledPair(false, "convert 5 miles to km", "convert 5 km to miles", "direction")), pairs);
    }

    @Test
    void rejectsAMissingHeaderAnUnknownLabelAWrongFieldCountAndAnEmptySide() {
        assertThrows(IllegalArgumentException.class, () -> LabelledPair.parse(List.of()));
        assertThrows(IllegalArgumentException.class, () -> LabelledPair.parse(List.of("same\ta\tb\tc")));
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> LabelledPair.parse(List.of(HEADER, "similar\ta\tb\tc")));
        assertTrue(label.getMessage().startsWith("line 2: the label"), label.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LabelledPair.parse(List.of(HEADER, "same\ta\tb")));
        assertThrows(IllegalArgumentException.class, () -> LabelledPair.parse(List.of(HEADER, "same\ta\tb\tc\td")));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> LabelledPair.parse(List.of(HEADER, "same\ta\t \tc")));
        assertEquals("line 2: field 3 is empty", empty.getMessage());
    }
}
