package io.streamgate.gateway.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The simulated answer ends on a whole sentence whenever its length limit leaves room for one. */
class SimulatedTextTest {

    private static boolean endsWithAStop(String text) {
        return text.endsWith(".") || text.endsWith("!") || text.endsWith("?");
    }

    @Test
    void theDefaultLengthIsCutBackToTheLastWholeSentence() {
        int length = SimulatedText.wholeSentences(SimulatorSettings.defaults().tokens());
        String text = SimulatedText.text(length);
        assertTrue(text.endsWith("is what a reader feels."), text);
        assertTrue(SimulatedText.endsSentence(length));
    }

    @Test
    void everyLimitGivesTheLongestAnswerThatEndsASentence() {
        for (int limit = 13; limit <= 500; limit++) {
            int length = SimulatedText.wholeSentences(limit);
            assertTrue(length <= limit, "limit " + limit);
            assertTrue(endsWithAStop(SimulatedText.text(length)), "limit " + limit + ": " + SimulatedText.text(length));
            for (int longer = length + 1; longer <= limit; longer++) {
                assertFalse(SimulatedText.endsSentence(longer), "limit " + limit + " left out a whole sentence");
            }
        }
    }

    @Test
    void aLimitOnASentenceEndIsKeptWholeAcrossCycles() {
        for (int limit = 1; limit <= 400; limit++) {
            if (SimulatedText.endsSentence(limit)) {
                assertEquals(limit, SimulatedText.wholeSentences(limit));
            }
        }
    }

    @Test
    void aLimitShorterThanTheFirstSentenceIsKeptAsItIs() {
        assertEquals(5, SimulatedText.wholeSentences(5));
        assertFalse(SimulatedText.endsSentence(5));
    }
}
