package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ToolSpec;
import java.util.List;

/**
 * A client's {@code POST .../stream} body, validated.
 *
 * @param message the user's message, never blank
 * @param model a model override, or {@code null}
 * @param system a system prompt, or {@code null}
 * @param tools names of the tools the model is offered, or {@code null} for the gateway's defaults
 * @param maxTokens an output cap, or {@code null}
 * @param temperature a sampling temperature, or {@code null}
 */
public record StreamRequest(
        String message, String model, String system, List<String> tools, Integer maxTokens, Double temperature) {

    public StreamRequest {
        requireNonNull(message, "message");
        tools = tools == null ? null : List.copyOf(tools);
    }

    /** The provider settings of this request; the turn supplies the messages. */
    public ChatRequest toChatRequest(List<ToolSpec> toolSpecs) {
        return new ChatRequest(model, List.of(), maxTokens, temperature, toolSpecs);
    }
}
