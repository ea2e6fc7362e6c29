package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamLimitsTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "é", "€uro", "emoji 😀 and CJK 漢字", "\u007f\u0080\u07ff\u0800\uffff"})
    void utf8LengthIsTheEncodedLength(String text) {
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, StreamLimits.utf8Length(text));
    }

    @Test
    void aLoneSurrogateCountsTheMostItCanTake() {
        assertEquals(3, StreamLimits.utf8Length("\ud83d"));
        assertEquals(4, StreamLimits.utf8Length("\ude00a"));
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new StreamLimits(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new StreamLimits(1, 0));
        assertEquals(new StreamLimits(1 << 20, 32), StreamLimits.defaults());
    }
}
