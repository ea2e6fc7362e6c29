package io.streamgate.gateway.stream;

import io.streamgate.gateway.tools.ToolResult;
import io.streamgate.gateway.usage.TokenCount;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent loop's bookkeeping for one stream: the messages the provider is sent, the steps this turn produced,
 * the current step's text and tool calls, and usage summed over steps.
 *
 * <p>Event-loop confined, except {@link #begin}, which runs where the first step opens (the event loop, or a store
 * thread after the history is read) before the first upstream call: the ring's volatile handshake orders that
 * write before any event-loop read.
 */
final class AgentSteps {

    private final int maxSteps;
    private final List<ChatMessage> conversation = new ArrayList<>();
    private final List<Transcript.Step> done = new ArrayList<>();
    private final StringBuilder answer = new StringBuilder(); // every step's text: final_message
    private int stepStart; // where the current step's text begins in answer
    private final List<UpstreamEvent.ToolCall> stepCalls = new ArrayList<>();
    private final List<UpstreamEvent.SignedThinking> stepThinking = new ArrayList<>();
    private final StringBuilder reasoning = new StringBuilder(); // the current step's thinking text, for the store
    private final int maxReasoningChars;
    private long reasoningChars; // kept over the whole turn, to bound what is stored
    private List<UpstreamEvent.ToolCall> running = List.of();
    private int step = 1;
    private long completionTokens = Usage.UNKNOWN;
    private long promptTokens = Usage.UNKNOWN;
    private long cacheCreationTokens = Usage.UNKNOWN;
    private long cacheReadTokens = Usage.UNKNOWN;
    private TokenCount billed = TokenCount.ZERO; // the tokens of the steps whose call has ended
    private long stepPromptChars = -1; // what the current step's call was sent; -1 before it is opened
    private long stepOutputChars; // what the current step's call has produced so far
    private boolean stepDelivered; // whether the current step's call has published anything

    /** @param maxReasoningChars thinking text kept for the store per turn; the rest still streams, unstored */
    AgentSteps(int maxSteps, int maxReasoningChars) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be >= 1");
        }
        this.maxSteps = maxSteps;
        this.maxReasoningChars = maxReasoningChars;
    }

    void begin(List<ChatMessage> opening) {
        conversation.addAll(opening);
    }

    /** The current step's call is opened with {@code request}: its size is the prompt estimate if none is reported. */
    void opened(io.streamgate.llm.ChatRequest request) {
        stepPromptChars = request.approximateChars();
    }

    /** The current step's call published something. */
    void delivered() {
        stepDelivered = true;
    }

    void text(String delta) {
        answer.append(delta);
        stepOutputChars += delta.length();
    }

    /** The whole answer so far, across steps. */
    CharSequence answer() {
        return answer;
    }

    private String stepText() {
        return answer.substring(stepStart);
    }

    void toolCall(UpstreamEvent.ToolCall call) {
        stepCalls.add(call);
        stepOutputChars += call.name().length() + call.argumentsJson().length();
    }

    /** Keeps a thinking delta of this step for the stored answer, up to the turn's limit. */
    void reasoning(String delta) {
        stepOutputChars += delta.length();
        int room = (int) Math.max(0, Math.min(delta.length(), maxReasoningChars - reasoningChars));
        reasoning.append(delta, 0, room);
        reasoningChars += room;
    }

    /** Thinking text held for the store. */
    int reasoningLength() {
        return reasoning.length();
    }

    private String stepReasoning() {
        return reasoning.isEmpty() ? null : reasoning.toString();
    }

    /** Keeps a signed reasoning block of this step, to go back to the provider with the step's tool calls. */
    void thinking(UpstreamEvent.SignedThinking block) {
        stepThinking.add(block);
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
    List<UpstreamEvent.ToolCall> startTools() {
        running = List.copyOf(stepCalls);
        conversation.add(ChatMessage.assistant(stepText(), running, stepThinking));
        return running;
    }

    /** Records the results of the running tools and starts the next step; returns what to send the provider. */
    List<ChatMessage> toolsDone(List<ToolResult> results) {
        for (ToolResult r : results) {
            conversation.add(ChatMessage.toolResult(r.toolCallId(), r.toolName(), r.resultJson()));
        }
        done.add(new Transcript.Step(stepText(), stepReasoning(), running, results));
        running = List.of();
        reasoning.setLength(0);
        stepStart = answer.length();
        stepCalls.clear();
        stepThinking.clear();
        step++;
        return List.copyOf(conversation);
    }

    /**
     * The current step's call completed with {@code usage}: its tokens are billed as reported, a count it did not
     * report estimated from its characters.
     */
    void addUsage(Usage usage) {
        billed = billed.plus(TokenCount.of(usage, Math.max(0, stepPromptChars), stepOutputChars));
        stepPromptChars = -1;
        stepOutputChars = 0;
        stepDelivered = false;
        completionTokens = sum(completionTokens, usage.completionTokens());
        promptTokens = sum(promptTokens, usage.promptTokens());
        cacheCreationTokens = sum(cacheCreationTokens, usage.cacheCreationInputTokens());
        cacheReadTokens = sum(cacheReadTokens, usage.cacheReadInputTokens());
    }

    /**
     * The turn's tokens, once it has ended: every completed step's, plus, for a step cut short (a disconnect, a stop,
     * a failure after its first event), an estimate of what it was sent and what it produced, since the provider bills
     * that too. A step whose call failed before publishing anything, unless the client cut it, is not billed: the
     * provider refused it.
     *
     * @param cut whether the client stopped the turn (a disconnect or a stop)
     */
    TokenCount tokens(boolean cut) {
        if (stepPromptChars < 0 || !(stepDelivered || cut)) {
            return billed;
        }
        return billed.plus(TokenCount.of(Usage.NONE, stepPromptChars, stepOutputChars));
    }

    /** Usage summed over every step; a count no step reported stays unknown. */
    Usage usage() {
        return new Usage(promptTokens, completionTokens, cacheCreationTokens, cacheReadTokens);
    }

    /**
     * What this turn produced; the current step's text is the final (possibly partial) text.
     *
     * @param stats the figures of the turn's {@code complete_state}, or null
     */
    Transcript transcript(Transcript.Status status, String finishReason, AnswerStats stats) {
        return new Transcript(done, stepText(), stepCalls, status, finishReason, stepReasoning(), stats);
    }

    private static long sum(long total, long more) {
        if (more < 0) {
            return total;
        }
        return total < 0 ? more : total + more;
    }
}
