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
 */
public record ChatRequest(String model, List<ChatMessage> messages, Integer maxTokens, Double temperature) {
    public ChatRequest {
        messages = List.copyOf(requireNonNull(messages, "messages"));
    }
}
