package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.stream.AnswerStats;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.util.List;
import java.util.Set;

/**
 * A message about to be stored: what a {@link StoredMessage} is before the store gives it a sequence number and
 * a time. Build one with the factories; the constructor enforces which fields each role may carry.
 *
 * @param role {@code user}, {@code assistant} or {@code tool}
 * @param content the text; for a {@code tool} message the result as JSON text
 * @param toolCalls the tools an assistant message asked for; empty otherwise
 * @param toolCallId which call a {@code tool} message answers; null otherwise
 * @param toolName the tool a {@code tool} message answers for; null otherwise
 * @param isError whether a {@code tool} message reports a failed call; false otherwise
 * @param finishReason the provider's finish reason for a final answer, or null
 * @param thinking the reasoning text the model streamed before an assistant message, or null; shown to users,
 *     never sent back to the provider
 * @param stats the {@code complete_state} figures of a final answer, or null
 */
public record NewMessage(
        String role,
        String content,
        List<ToolCall> toolCalls,
        String toolCallId,
        String toolName,
        boolean isError,
        MessageStatus status,
        String finishReason,
        String thinking,
        AnswerStats stats) {

    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    public static final String TOOL = "tool";

    private static final Set<String> ROLES = Set.of(USER, ASSISTANT, TOOL);

    public NewMessage {
        toolCalls = List.copyOf(requireNonNull(toolCalls, "toolCalls"));
        check(role, content, toolCalls, toolCallId, toolName, isError, status);
        checkExtras(role, toolCalls, thinking, stats);
    }

    /** A message without thinking or stats. */
    public NewMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId, String toolName,
                      boolean isError, MessageStatus status, String finishReason) {
        this(role, content, toolCalls, toolCallId, toolName, isError, status, finishReason, null, null);
    }

    public static NewMessage user(String text) {
        return new NewMessage(USER, text, List.of(), null, null, false, MessageStatus.COMPLETE, null);
    }

    /** An agent step: what the model said before asking for tools, and the calls it made. */
    public static NewMessage assistantStep(String text, List<ToolCall> toolCalls) {
        if (toolCalls.isEmpty()) {
            throw new IllegalArgumentException("an agent step asks for at least one tool; use answer() otherwise");
        }
        return assistantStep(text, null, toolCalls);
    }

    /** An agent step with the reasoning the model streamed before it (null for none). */
    public static NewMessage assistantStep(String text, String thinking, List<ToolCall> toolCalls) {
        if (toolCalls.isEmpty()) {
            throw new IllegalArgumentException("an agent step asks for at least one tool; use answer() otherwise");
        }
        return new NewMessage(ASSISTANT, text, toolCalls, null, null, false, MessageStatus.COMPLETE, null,
                thinking, null);
    }

    /** The result of one tool call, as JSON text. */
    public static NewMessage toolResult(String toolCallId, String toolName, String resultJson, boolean isError) {
        return new NewMessage(TOOL, resultJson, List.of(), toolCallId, toolName, isError, MessageStatus.COMPLETE, null);
    }

    /** The final text of an answer, however it ended. */
    public static NewMessage answer(String text, MessageStatus status, String finishReason) {
        return answer(text, status, finishReason, null, null);
    }

    /** The final text with the reasoning before it and the stream's figures (each null when there are none). */
    public static NewMessage answer(
            String text, MessageStatus status, String finishReason, String thinking, AnswerStats stats) {
        return new NewMessage(ASSISTANT, text, List.of(), null, null, false, status, finishReason, thinking, stats);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    /** Thinking belongs to assistant messages, stats to final answers only. */
    static void checkExtras(String role, List<ToolCall> toolCalls, String thinking, AnswerStats stats) {
        if (thinking != null && !role.equals(ASSISTANT)) {
            throw new IllegalArgumentException("only an assistant message carries thinking");
        }
        if (stats != null && (!role.equals(ASSISTANT) || !toolCalls.isEmpty())) {
            throw new IllegalArgumentException("only a final answer carries stats");
        }
    }

    /** The rules every message obeys, stored or not, so that a stored history always maps onto a provider request. */
    static void check(
            String role,
            String content,
            List<ToolCall> toolCalls,
            String toolCallId,
            String toolName,
            boolean isError,
            MessageStatus status) {
        requireNonNull(role, "role");
        requireNonNull(content, "content");
        requireNonNull(status, "status");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role must be user, assistant or tool, got '" + role + "'");
        }
        boolean tool = role.equals(TOOL);
        if (tool != (toolCallId != null) || tool != (toolName != null)) {
            throw new IllegalArgumentException("toolCallId and toolName belong to tool messages, and only to them");
        }
        if (isError && !tool) {
            throw new IllegalArgumentException("only a tool message can be an error");
        }
        if (!toolCalls.isEmpty() && !role.equals(ASSISTANT)) {
            throw new IllegalArgumentException("only an assistant message carries tool calls");
        }
    }
}
