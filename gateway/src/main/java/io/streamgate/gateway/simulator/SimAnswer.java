package io.streamgate.gateway.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One planned answer: everything that is fixed before the first byte is written, shared by the
 * streaming and the non-streaming response so that both say the same thing.
 *
 * @param id the completion id, {@code chatcmpl-sim-N}
 * @param created Unix seconds at which the request was accepted
 * @param model the model name echoed from the request
 * @param deltas what is streamed, one chunk each, in order; may be computed lazily (long answers)
 * @param finishReason {@code stop}; {@code length} when the request's max_tokens cut the answer;
 *     {@code tool_calls} when the answer asks for tools
 * @param promptTokens the request's approximate prompt size
 */
record SimAnswer(String id, long created, String model, List<SimDelta> deltas, String finishReason, int promptTokens) {

    static final String TOOL_CALLS = "tool_calls";

    SimAnswer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(deltas, "deltas");
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /** Whether the answer ends by asking for tools rather than with text. */
    boolean callsTools() {
        return TOOL_CALLS.equals(finishReason);
    }

    /** Every streamed piece counts as one completion token, reasoning and tool-call fragments included. */
    int completionTokens() {
        return deltas.size();
    }

    int totalTokens() {
        return promptTokens + completionTokens();
    }

    /** The whole answer text, as the non-streaming response carries it. */
    String text() {
        StringBuilder sb = new StringBuilder();
        for (SimDelta d : deltas) {
            if (d instanceof SimDelta.Content c) {
                sb.append(c.text());
            }
        }
        return sb.toString();
    }

    /** The whole reasoning text; empty when the answer has none. */
    String reasoning() {
        StringBuilder sb = new StringBuilder();
        for (SimDelta d : deltas) {
            if (d instanceof SimDelta.Reasoning r) {
                sb.append(r.text());
            }
        }
        return sb.toString();
    }

    /** One tool call with its fragments joined, as the non-streaming response carries it. */
    record ToolCall(String id, String name, String arguments) {}

    /** The tool calls with their argument fragments joined by index; empty when there are none. */
    List<ToolCall> toolCalls() {
        List<SimDelta.ToolCallStart> starts = new ArrayList<>();
        List<StringBuilder> arguments = new ArrayList<>();
        for (SimDelta d : deltas) {
            switch (d) {
                case SimDelta.ToolCallStart s -> {
                    starts.add(s);
                    arguments.add(new StringBuilder());
                }
                case SimDelta.ToolCallArguments a -> arguments.get(a.index()).append(a.fragment());
                default -> { }
            }
        }
        List<ToolCall> calls = new ArrayList<>(starts.size());
        for (int i = 0; i < starts.size(); i++) {
            calls.add(new ToolCall(starts.get(i).id(), starts.get(i).name(), arguments.get(i).toString()));
        }
        return calls;
    }
}
