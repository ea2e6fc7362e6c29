package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One message of the conversation sent to the provider.
 *
 * <ul>
 *   <li>{@code system}, {@code user}: {@code content} only;
 *   <li>{@code assistant}: {@code content} (may be empty), the {@code toolCalls} it made, if any, and the
 *       {@code thinking} blocks that led to them, which a provider may require back verbatim (Anthropic);
 *   <li>{@code tool}: the result of one tool call: {@code toolCallId}, {@code toolName}, and {@code content}
 *       holding the result as JSON text.
 * </ul>
 * Adapters map these onto their wire formats (OpenAI {@code tool} messages, Anthropic {@code tool_result} blocks).
 */
public record ChatMessage(
        String role,
        String content,
        List<UpstreamEvent.ToolCall> toolCalls,
        String toolCallId,
        String toolName,
        List<UpstreamEvent.SignedThinking> thinking) {

    public ChatMessage {
        requireNonNull(role, "role");
        requireNonNull(content, "content");
        toolCalls = List.copyOf(requireNonNull(toolCalls, "toolCalls"));
        thinking = List.copyOf(requireNonNull(thinking, "thinking"));
        if (role.equals("tool") && (toolCallId == null || toolName == null)) {
            throw new IllegalArgumentException("a tool message needs toolCallId and toolName");
        }
    }

    /** A plain message with text only. */
    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null, null, List.of());
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** An assistant turn that asked for tools (its text may be empty). */
    public static ChatMessage assistant(String content, List<UpstreamEvent.ToolCall> toolCalls) {
        return assistant(content, toolCalls, List.of());
    }

    /** An assistant turn that asked for tools after reasoning in {@code thinking} signed blocks. */
    public static ChatMessage assistant(
            String content, List<UpstreamEvent.ToolCall> toolCalls, List<UpstreamEvent.SignedThinking> thinking) {
        return new ChatMessage("assistant", content, toolCalls, null, null, thinking);
    }

    /** The result of one tool call, as JSON text. */
    public static ChatMessage toolResult(String toolCallId, String toolName, String resultJson) {
        return new ChatMessage("tool", resultJson, List.of(), toolCallId, toolName, List.of());
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
