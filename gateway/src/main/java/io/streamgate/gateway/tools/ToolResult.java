package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.UpstreamEvent;

/**
 * The outcome of one tool call, ready for a {@code tool_result} event and the next provider request.
 *
 * @param resultJson one JSON value; for errors {@code {"error":"..."}}
 * @param isError whether the call failed (unknown tool, bad arguments, tool error, timeout)
 */
public record ToolResult(String toolCallId, String toolName, String resultJson, boolean isError) {

    public ToolResult {
        requireNonNull(toolCallId, "toolCallId");
        requireNonNull(toolName, "toolName");
        requireNonNull(resultJson, "resultJson");
    }

    static ToolResult success(UpstreamEvent.ToolCall call, String resultJson) {
        return new ToolResult(call.id(), call.name(), resultJson, false);
    }

    static ToolResult error(UpstreamEvent.ToolCall call, String message) {
        return new ToolResult(call.id(), call.name(), JsonText.error(message), true);
    }
}
