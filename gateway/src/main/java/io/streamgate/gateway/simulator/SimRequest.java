package io.streamgate.gateway.simulator;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The parts of an OpenAI Chat Completions request that the simulator acts on; everything else in
 * the request (temperature, tool schemas, ...) is accepted and ignored, as a lenient provider would.
 *
 * @param model the requested model, echoed back in every chunk
 * @param lastRole the role of the last message, empty when there are none; the answer depends on
 *     whether the model is asked by a user or handed tool results
 * @param lastUserMessage the content of the last {@code user} message, empty when there is none
 * @param toolResults the {@code tool} messages that end the conversation, in order; empty unless
 *     {@code lastRole} is {@code tool}
 * @param tools the function names in the request's {@code tools}
 * @param promptWords whitespace-separated words over all messages, reported as {@code prompt_tokens}
 * @param stream whether the client asked for an SSE stream
 * @param maxTokens {@code max_tokens} or {@code max_completion_tokens}, when given
 */
record SimRequest(String model, String lastRole, String lastUserMessage, List<ToolResult> toolResults,
                  Set<String> tools, int promptWords, boolean stream, OptionalInt maxTokens) {

    /** The model name used when a request names none. */
    static final String DEFAULT_MODEL = "sim-1";

    SimRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(lastRole, "lastRole");
        Objects.requireNonNull(lastUserMessage, "lastUserMessage");
        toolResults = List.copyOf(toolResults);
        tools = Set.copyOf(tools);
        Objects.requireNonNull(maxTokens, "maxTokens");
    }

    /** Whether the model is being asked by a user (rather than handed tool results). */
    boolean answersUser() {
        return "user".equals(lastRole);
    }

    /** Whether the model is being handed tool results to answer from. */
    boolean answersToolResults() {
        return "tool".equals(lastRole) && !toolResults.isEmpty();
    }

    /**
     * One {@code tool} message.
     *
     * @param toolCallId the call it answers
     * @param toolName the tool's name, from the assistant message that made the call (or the
     *     message's own legacy {@code name}); empty when neither names it
     * @param content the result as the gateway sent it, normally JSON text
     */
    record ToolResult(String toolCallId, String toolName, String content) {
        ToolResult {
            Objects.requireNonNull(toolCallId, "toolCallId");
            Objects.requireNonNull(toolName, "toolName");
            Objects.requireNonNull(content, "content");
        }
    }
}
