package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.stream.AnswerStats;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.time.Instant;
import java.util.List;

/**
 * A message as stored: a {@link NewMessage} with its place in the conversation and the time it was stored.
 *
 * @param seq its position in the conversation: 1, 2, 3... with no gaps
 * @param at when it was stored
 * @param thinking the reasoning shown before an assistant message, or null (never sent to the provider)
 * @param stats a final answer's {@code complete_state} figures, or null
 */
public record StoredMessage(
        long seq,
        String role,
        String content,
        List<ToolCall> toolCalls,
        String toolCallId,
        String toolName,
        boolean isError,
        MessageStatus status,
        String finishReason,
        Instant at,
        String thinking,
        AnswerStats stats) {

    public StoredMessage {
        toolCalls = List.copyOf(requireNonNull(toolCalls, "toolCalls"));
        NewMessage.check(role, content, toolCalls, toolCallId, toolName, isError, status);
        requireNonNull(at, "at");
        NewMessage.checkExtras(role, toolCalls, thinking, stats);
    }

    public static StoredMessage of(long seq, Instant at, NewMessage m) {
        requireNonNull(m, "message");
        return new StoredMessage(seq, m.role(), m.content(), m.toolCalls(), m.toolCallId(), m.toolName(),
                m.isError(), m.status(), m.finishReason(), at, m.thinking(), m.stats());
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    /** This message as the provider is sent it; a tool error travels as its {@code {"error":...}} result. */
    public ChatMessage toChatMessage() {
        return switch (role) {
            case NewMessage.USER -> ChatMessage.user(content);
            case NewMessage.ASSISTANT -> ChatMessage.assistant(content, toolCalls);
            default -> ChatMessage.toolResult(toolCallId, toolName, content);
        };
    }
}
