package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.stream.AnswerStats;
import io.streamgate.gateway.tools.JsonText;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one stream answered, stored in one transaction as the messages it produced: for each agent step an
 * assistant message with its tool calls followed by one {@code tool} message per call, then the final assistant
 * message with its {@link MessageStatus} and finish reason.
 *
 * <p>The constructor enforces that shape, because providers reject a history in which a tool call has no result
 * or a result has no call; a store that only ever holds whole turns can always be replayed. {@link Builder}
 * assembles a turn as a stream runs and fills in results for calls that never ran (the stream was cancelled).
 */
public record AssistantTurn(List<NewMessage> messages) {

    public AssistantTurn {
        messages = List.copyOf(requireNonNull(messages, "messages"));
        checkShape(messages);
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void checkShape(List<NewMessage> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a turn has at least its final answer");
        }
        NewMessage last = messages.getLast();
        if (!last.role().equals(NewMessage.ASSISTANT) || last.hasToolCalls()) {
            throw new IllegalArgumentException("a turn ends with an assistant answer without tool calls");
        }
        Set<String> unanswered = new HashSet<>();
        for (NewMessage m : messages) {
            switch (m.role()) {
                case NewMessage.ASSISTANT -> {
                    if (!unanswered.isEmpty()) {
                        throw new IllegalArgumentException("tool calls " + unanswered + " have no result");
                    }
                    for (ToolCall call : m.toolCalls()) {
                        if (!unanswered.add(call.id())) {
                            throw new IllegalArgumentException("tool call id '" + call.id() + "' appears twice");
                        }
                    }
                }
                case NewMessage.TOOL -> {
                    if (!unanswered.remove(m.toolCallId())) {
                        throw new IllegalArgumentException(
                                "tool result '" + m.toolCallId() + "' answers no pending tool call");
                    }
                }
                default -> throw new IllegalArgumentException("a turn holds assistant and tool messages only");
            }
        }
    }

    /** Collects a turn as the stream produces it. Not thread-safe: one stream, one builder, one thread at a time. */
    public static final class Builder {

        private final List<NewMessage> messages = new ArrayList<>();
        /** The current step's calls still waiting for a result, by id, in call order. */
        private final Map<String, ToolCall> unanswered = new LinkedHashMap<>();

        private Builder() {}

        /** The model asked for tools: its text so far (may be empty) and the calls. */
        public Builder step(String text, List<ToolCall> toolCalls) {
            return step(text, null, toolCalls);
        }

        /** The model asked for tools: the reasoning before (null for none), its text so far and the calls. */
        public Builder step(String text, String thinking, List<ToolCall> toolCalls) {
            answerUnanswered();
            messages.add(NewMessage.assistantStep(text, thinking, toolCalls));
            toolCalls.forEach(c -> unanswered.put(c.id(), c));
            return this;
        }

        /** The result of one of the current step's calls, as JSON text. */
        public Builder toolResult(String toolCallId, String toolName, String resultJson, boolean isError) {
            if (unanswered.remove(requireNonNull(toolCallId, "toolCallId")) == null) {
                throw new IllegalArgumentException("tool result '" + toolCallId + "' answers no pending tool call");
            }
            messages.add(NewMessage.toolResult(toolCallId, toolName, resultJson, isError));
            return this;
        }

        /** The final answer text and how the stream ended; builds the turn. */
        public AssistantTurn finish(String text, MessageStatus status, String finishReason) {
            return finish(text, status, finishReason, null, null);
        }

        /** As above, with the reasoning before the final text and the stream's figures (each null for none). */
        public AssistantTurn finish(
                String text, MessageStatus status, String finishReason, String thinking, AnswerStats stats) {
            answerUnanswered();
            messages.add(NewMessage.answer(text, status, finishReason, thinking, stats));
            return new AssistantTurn(messages);
        }

        /** Calls whose results never came (the stream ended first) get an error result, keeping the turn valid. */
        private void answerUnanswered() {
            for (ToolCall call : unanswered.values()) {
                messages.add(NewMessage.toolResult(
                        call.id(), call.name(), JsonText.error("the call did not run: the answer ended first"), true));
            }
            unanswered.clear();
        }
    }
}
