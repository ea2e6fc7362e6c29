package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.tools.ToolResult;
import io.streamgate.llm.UpstreamEvent;
import java.util.List;

/**
 * What one turn produced, in order, for the store: each agent step's text and tool calls with their results, then
 * the last text, which is partial unless the turn completed.
 *
 * @param steps the steps that asked for tools, each with its results
 * @param finalText the text after the last tool step (or all of it, when no tools ran)
 * @param pendingCalls tool calls of the last step that never ran (the turn ended first)
 * @param status how the turn ended
 * @param finishReason the provider's reason, {@code max_steps}, {@code cancelled}, or the error code
 * @param finalThinking the reasoning streamed before the final text, or null
 * @param stats the figures of the {@code complete_state} that ended the turn, or null when it ended with an error
 */
public record Transcript(
        List<Step> steps,
        String finalText,
        List<UpstreamEvent.ToolCall> pendingCalls,
        Status status,
        String finishReason,
        String finalThinking,
        AnswerStats stats) {

    /** How a turn ended. */
    public enum Status { COMPLETE, ERROR, CANCELLED }

    /** One step that asked for tools, with the reasoning streamed before it (null for none). */
    public record Step(String text, String thinking, List<UpstreamEvent.ToolCall> calls, List<ToolResult> results) {
        public Step {
            requireNonNull(text, "text");
            calls = List.copyOf(calls);
            results = List.copyOf(results);
        }
    }

    /** A turn without thinking or stats. */
    public Transcript(
            List<Step> steps, String finalText, List<UpstreamEvent.ToolCall> pendingCalls, Status status,
            String finishReason) {
        this(steps, finalText, pendingCalls, status, finishReason, null, null);
    }

    public Transcript {
        steps = List.copyOf(steps);
        requireNonNull(finalText, "finalText");
        pendingCalls = List.copyOf(pendingCalls);
        requireNonNull(status, "status");
    }
}
