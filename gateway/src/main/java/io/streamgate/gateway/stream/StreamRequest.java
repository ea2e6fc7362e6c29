package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's {@code POST .../stream} body, validated.
 *
 * @param message the user's message, never blank
 * @param model a model override, or {@code null}
 * @param system a system prompt, or {@code null}
 * @param tools names of the tools the model is offered
 * @param maxTokens an output cap, or {@code null}
 * @param temperature a sampling temperature, or {@code null}
 */
public record StreamRequest(
        String message, String model, String system, List<String> tools, Integer maxTokens, Double temperature) {

    public StreamRequest {
        requireNonNull(message, "message");
        tools = List.copyOf(tools);
    }

    /** The provider request for this message on its own (no stored history yet). */
    public ChatRequest toChatRequest() {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.add(ChatMessage.user(message));
        return new ChatRequest(model, messages, maxTokens, temperature);
    }
}
