package io.streamgate.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.gateway.tools.ToolResult;
import io.streamgate.gateway.usage.TokenCount;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a turn bills: the provider's usage per step, and an estimate for what it did not report. */
class AgentStepsTokensTest {

    private final AgentSteps steps = new AgentSteps(8, 1000);
    private final ChatRequest request = new ChatRequest(null, List.of(ChatMessage.user("x".repeat(52))), null, null);

    @Test
    void aCompletedStepIsBilledAsTheProviderReportedIt() {
        steps.opened(request);
        steps.delivered();
        steps.text("hello");
        steps.addUsage(new Usage(10, 3, 2, 1));

        assertEquals(new TokenCount(10, 3, 1, 2, 0, 0), steps.tokens(false));
    }

    @Test
    void aCountTheProviderLeftOutIsEstimatedFromCharacters() {
        steps.opened(request); // 52 characters plus 48 of overhead: 100
        steps.delivered();
        steps.text("abcdefghi");
        steps.addUsage(new Usage(Usage.UNKNOWN, Usage.UNKNOWN, Usage.UNKNOWN, Usage.UNKNOWN));

        assertEquals(new TokenCount(25, 3, 0, 0, 25, 3), steps.tokens(false));
    }

    @Test
    void aStepCutShortIsBilledAnEstimateOnTopOfTheCompletedOnes() {
        steps.opened(request);
        steps.delivered();
        steps.toolCall(new UpstreamEvent.ToolCall("c1", "calc", "{\"x\":1}")); // 4 + 7 characters
        steps.addUsage(new Usage(10, 3, Usage.UNKNOWN, Usage.UNKNOWN));
        steps.startTools();
        List<ChatMessage> next = steps.toolsDone(List.of(new ToolResult("c1", "calc", "{}", false)));
        steps.opened(request.withMessages(next));
        steps.delivered();
        steps.reasoning("thinking..."); // 11
        steps.text("partial"); // 7

        TokenCount total = steps.tokens(true);
        long promptEstimate = TokenCount.estimate(request.withMessages(next).approximateChars());
        assertEquals(new TokenCount(10 + promptEstimate, 3 + 5, 0, 0, promptEstimate, 5), total);
        assertEquals(total, steps.tokens(false), "anything delivered is billed, cut or failed");
    }

    @Test
    void aCallRefusedBeforeItsFirstEventIsNotBilledUnlessTheClientCutIt() {
        steps.opened(request);

        assertEquals(TokenCount.ZERO, steps.tokens(false), "a 429 or a connect error: the provider billed nothing");
        assertEquals(new TokenCount(25, 0, 0, 0, 25, 0), steps.tokens(true),
                "a client that left while the provider read the prompt: the prompt is billed");
    }

    @Test
    void aTurnThatNeverOpenedACallBillsNothing() {
        assertEquals(TokenCount.ZERO, steps.tokens(true));
    }
}
