package io.streamgate.bench.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.gateway.cache.CacheSettings;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway's default semantic threshold is what the evaluation chooses: the shipped pairs scored with the real
 * model (as {@code make eval} does, about 10 s), then the rule. Changing the pairs, the model, the text embedded or the
 * rule without updating the default (or the reverse) fails here.
 */
class DefaultThresholdTest {

    @Test
    void theGatewaysDefaultIsTheRulesChoiceOnTheShippedPairs() {
        List<ScoredPair> scored =
                SemanticEval.score(LabelledPair.load(), new PrintStream(OutputStream.nullOutputStream()));

        ThresholdRule.Choice choice = ThresholdRule.DEFAULT.choose(scored)
                .orElseThrow(() -> new AssertionError("the rule chooses no threshold on the shipped pairs"));

        assertEquals(choice.threshold(), CacheSettings.DEFAULT_SEMANTIC_THRESHOLD,
                "CacheSettings.DEFAULT_SEMANTIC_THRESHOLD must be the rule's choice (make eval), by step "
                        + choice.step());
    }
}
