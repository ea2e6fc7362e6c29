package io.streamgate.gateway.cache.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SemanticTextTest {

    @Test
    void trimsAndCollapsesEveryKindOfWhitespace() {
        assertEquals("how do I reset it?", SemanticText.of(" \t how  do\r\nI\u00a0\u2003reset it? \n", 100));
        assertEquals("", SemanticText.of(" \n\t ", 100));
        assertEquals("a", SemanticText.of("a", 100));
    }

    @Test
    void capsTheLengthWithoutATrailingSpaceOrAHalfSurrogatePair() {
        assertEquals("abc", SemanticText.of("abcdef", 3));
        assertEquals("ab", SemanticText.of("ab   cd", 3), "the space at the cap is dropped");
        assertEquals("ab", SemanticText.of("ab\uD83D\uDE00", 3), "an emoji needs two chars");
        assertEquals("ab\uD83D\uDE00", SemanticText.of("ab\uD83D\uDE00c", 4));
        assertEquals(1000, SemanticText.of("x".repeat(100_000), 1000).length());
    }

    @Test
    void refusesANonPositiveCap() {
        assertThrows(IllegalArgumentException.class, () -> SemanticText.of("a", 0));
    }
}
