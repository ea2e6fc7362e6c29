package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A streaming chat request, provider-neutral.
 *
 * @param model the model, or {@code null} for the provider's configured default
 * @param messages the conversation, oldest first; system messages included
 * @param maxTokens an output cap, or {@code null}
 * @param temperature the sampling temperature, or {@code null}
 * @param tools the tools the model may call; empty for none
 */
public record ChatRequest(
        String model, List<ChatMessage> messages, Integer maxTokens, Double temperature, List<ToolSpec> tools) {

    public ChatRequest {
        messages = List.copyOf(requireNonNull(messages, "messages"));
        tools = List.copyOf(requireNonNull(tools, "tools"));
    }

    /** A request without tools. */
    public ChatRequest(String model, List<ChatMessage> messages, Integer maxTokens, Double temperature) {
        this(model, messages, maxTokens, temperature, List.of());
    }

    /** The same request with {@code messages} in place of this one's. */
    public ChatRequest withMessages(List<ChatMessage> messages) {
        return new ChatRequest(model, messages, maxTokens, temperature, tools);
    }
}
