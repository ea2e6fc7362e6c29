package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssistantTurnTest {

    private static final ToolCall CALL = new ToolCall("t1", "calculator", "{}");

    @Test
    void aTurnEndsWithAnAnswerWithoutToolCalls() {
        assertThrows(IllegalArgumentException.class, () -> new AssistantTurn(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new AssistantTurn(List.of(
                NewMessage.assistantStep("", List.of(CALL)),
                NewMessage.toolResult("t1", "calculator", "{}", false))));
    }

    @Test
    void everyCallNeedsExactlyOneResultBeforeTheNextAssistantMessage() {
        assertThrows(IllegalArgumentException.class, () -> new AssistantTurn(List.of(
                NewMessage.assistantStep("", List.of(CALL)),
                NewMessage.answer("done", MessageStatus.COMPLETE, "stop"))));
        assertThrows(IllegalArgumentException.class, () -> new AssistantTurn(List.of(
                NewMessage.toolResult("t1", "calculator", "{}", false),
                NewMessage.answer("done", MessageStatus.COMPLETE, "stop"))));
        assertThrows(IllegalArgumentException.class, () -> new AssistantTurn(List.of(
                NewMessage.assistantStep("", List.of(CALL)),
                NewMessage.toolResult("t1", "calculator", "{}", false),
                NewMessage.toolResult("t1", "calculator", "{}", false),
                NewMessage.answer("done", MessageStatus.COMPLETE, "stop"))));
    }

    @Test
    void aTurnHoldsNoUserMessage() {
        assertThrows(IllegalArgumentException.class, () -> new AssistantTurn(List.of(
                NewMessage.user("hi"), NewMessage.answer("done", MessageStatus.COMPLETE, "stop"))));
    }

    @Test
    void theBuilderRejectsAResultForNoPendingCall() {
        assertThrows(IllegalArgumentException.class,
                () -> AssistantTurn.builder().toolResult("t1", "calculator", "{}", false));
    }

    @Test
    void theBuilderAnswersCallsLeftOpenByTheNextStep() {
        ToolCall second = new ToolCall("t2", "calculator", "{}");
        AssistantTurn turn = AssistantTurn.builder()
                .step("", List.of(CALL))
                .step("", List.of(second))
                .toolResult("t2", "calculator", "{\"result\":1}", false)
                .finish("done", MessageStatus.COMPLETE, "stop");
        assertEquals(List.of("assistant", "tool", "assistant", "tool", "assistant"),
                turn.messages().stream().map(NewMessage::role).toList());
        assertEquals(true, turn.messages().get(1).isError());
    }

    @Test
    void messagesCarryOnlyTheFieldsOfTheirRole() {
        assertThrows(IllegalArgumentException.class, () -> new NewMessage(
                "user", "x", List.of(CALL), null, null, false, MessageStatus.COMPLETE, null));
        assertThrows(IllegalArgumentException.class, () -> new NewMessage(
                "assistant", "x", List.of(), "id", null, false, MessageStatus.COMPLETE, null));
        assertThrows(IllegalArgumentException.class, () -> new NewMessage(
                "user", "x", List.of(), null, null, true, MessageStatus.COMPLETE, null));
        assertThrows(IllegalArgumentException.class, () -> new NewMessage(
                "system", "x", List.of(), null, null, false, MessageStatus.COMPLETE, null));
        assertThrows(IllegalArgumentException.class, () -> NewMessage.assistantStep("x", List.of()));
    }

    @Test
    void statusWireNamesRoundTrip() {
        for (MessageStatus s : MessageStatus.values()) {
            assertEquals(s, MessageStatus.fromWireName(s.wireName()));
        }
        assertThrows(IllegalArgumentException.class, () -> MessageStatus.fromWireName("done"));
    }
}
