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

    /**
     * The request's text in characters, roughly: messages, tool calls and tool specs. Request writers size their
     * buffer with it so that a long conversation is not copied several times while it is written.
     */
    public int approximateChars() {
        long total = 0;
        for (ChatMessage message : messages) {
            total += message.content().length() + 48;
            for (UpstreamEvent.ToolCall call : message.toolCalls()) {
                total += call.argumentsJson().length() + 96;
            }
        }
        for (ToolSpec tool : tools) {
            total += tool.description().length() + tool.parametersSchema().length() + 64;
        }
        return (int) Math.min(total, 1 << 20);
    }

    /** The same request for {@code model} ({@code null}: the provider's default). */
    public ChatRequest withModel(String model) {
        return new ChatRequest(model, messages, maxTokens, temperature, tools);
    }

    /** The same request with {@code messages} in place of this one's. */
    public ChatRequest withMessages(List<ChatMessage> messages) {
        return new ChatRequest(model, messages, maxTokens, temperature, tools);
    }
}
