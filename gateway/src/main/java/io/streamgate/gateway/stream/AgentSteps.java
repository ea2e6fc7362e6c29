package io.streamgate.gateway.stream;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent loop's bookkeeping for one stream: the messages the provider is sent, the ones this turn produced,
 * the current step's text and tool calls, and usage summed over steps.
 *
 * <p>Event-loop confined, except {@link #begin}, which the start thread calls before it opens the first upstream
 * call: the ring's volatile handshake orders that write before any event-loop read.
 */
final class AgentSteps {

    private final int maxSteps;
    private final List<ChatMessage> conversation = new ArrayList<>();
    private final List<ChatMessage> produced = new ArrayList<>();
    private final StringBuilder stepText = new StringBuilder();
    private final List<UpstreamEvent.ToolCall> stepCalls = new ArrayList<>();
    private int step = 1;
    private long completionTokens = Usage.UNKNOWN;
    private long promptTokens = Usage.UNKNOWN;
    private long cacheCreationTokens = Usage.UNKNOWN;
    private long cacheReadTokens = Usage.UNKNOWN;

    AgentSteps(int maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be >= 1");
        }
        this.maxSteps = maxSteps;
    }

    void begin(List<ChatMessage> opening) {
        conversation.addAll(opening);
    }

    List<ChatMessage> conversation() {
        return List.copyOf(conversation);
    }

    void text(String delta) {
        stepText.append(delta);
    }

    void toolCall(UpstreamEvent.ToolCall call) {
        stepCalls.add(call);
    }

    /** Whether the step that just completed asked for tools. */
    boolean wantsTools() {
        return !stepCalls.isEmpty();
    }

    /** Whether another step may follow this one. */
    boolean mayContinue() {
        return step < maxSteps;
    }

    int step() {
        return step;
    }

    /** Closes a step that asked for tools: records the assistant's turn and returns the calls to run. */
    List<UpstreamEvent.ToolCall> endToolStep() {
        List<UpstreamEvent.ToolCall> calls = List.copyOf(stepCalls);
        ChatMessage assistant = ChatMessage.assistant(stepText.toString(), calls);
        conversation.add(assistant);
        produced.add(assistant);
        stepText.setLength(0);
        stepCalls.clear();
        return calls;
    }

    void toolResult(ToolExecutor.Outcome outcome) {
        ChatMessage result = ChatMessage.toolResult(outcome.toolCallId(), outcome.toolName(), outcome.resultJson());
        conversation.add(result);
        produced.add(result);
    }

    /** Starts the next step; returns what to send the provider for it. */
    List<ChatMessage> nextStep() {
        step++;
        return conversation();
    }

    void addUsage(Usage usage) {
        completionTokens = sum(completionTokens, usage.completionTokens());
        promptTokens = sum(promptTokens, usage.promptTokens());
        cacheCreationTokens = sum(cacheCreationTokens, usage.cacheCreationInputTokens());
        cacheReadTokens = sum(cacheReadTokens, usage.cacheReadInputTokens());
    }

    /** Usage summed over every step; a count no step reported stays unknown. */
    Usage usage() {
        return new Usage(promptTokens, completionTokens, cacheCreationTokens, cacheReadTokens);
    }

    /** What this turn produced, with the current step's text (possibly partial) as the last assistant message. */
    List<ChatMessage> produced() {
        List<ChatMessage> all = new ArrayList<>(produced);
        if (!stepText.isEmpty() || !stepCalls.isEmpty()) {
            all.add(ChatMessage.assistant(stepText.toString(), List.copyOf(stepCalls)));
        }
        return all;
    }

    private static long sum(long total, long more) {
        if (more < 0) {
            return total;
        }
        return total < 0 ? more : total + more;
    }
}
