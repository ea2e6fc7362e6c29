package io.streamgate.gateway.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Decides what the simulated model says to a request, by fixed rules:
 * <ol>
 *   <li>the conversation ends with tool results: answer from them, in text;
 *   <li>the user's message calls for offered tools ({@link DemoTools}): call them, in parallel;
 *   <li>otherwise: the simulated paragraph, sized by the settings (cut back to its last whole sentence)
 *       and {@code max_tokens}.
 * </ol>
 * A user message that asks the model to "think" gets a few reasoning deltas first, so the page's
 * thinking block can be demonstrated without a reasoning model.
 *
 * <p>One instance per simulator, shared by its connections; it only holds thread-safe id counters.
 */
final class AnswerPlanner {

    /** The reasoning demo: short pieces, streamed as {@code reasoning_content} before the answer. */
    static final List<String> REASONING = List.of(SimulatedText.MARKER + " Let me think", " this through:",
            " no real model runs here,", " so I follow the simulator's fixed rules", " and answer deterministically.");

    /** Parts a tool call's arguments JSON is streamed in, as real providers fragment it. */
    private static final int ARGUMENT_FRAGMENTS = 3;

    private final SimulatorSettings settings;
    private final DemoTools tools;
    private final ToolResultsText results;
    private final AtomicLong completions = new AtomicLong();
    private final AtomicLong toolCalls = new AtomicLong();

    AnswerPlanner(SimulatorSettings settings, JsonFactory json) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tools = new DemoTools(json);
        this.results = new ToolResultsText(json);
    }

    /** Plans the answer to {@code request}, accepted at {@code created} (Unix seconds). */
    SimAnswer plan(SimRequest request, long created) {
        String id = "chatcmpl-sim-" + completions.incrementAndGet();
        if (request.answersToolResults()) {
            List<String> words = SimulatedText.tokens(results.answer(request.toolResults()));
            return text(request, id, created, List.of(), words.size(), words::get, true);
        }
        String user = request.answersUser() ? request.lastUserMessage() : "";
        List<SimDelta> reasoning = DemoTools.asksToThink(user) ? reasoning() : List.of();
        List<DemoTools.Call> calls = tools.callsFor(user, request.tools());
        if (!calls.isEmpty()) {
            List<SimDelta> deltas = new ArrayList<>(reasoning);
            for (int i = 0; i < calls.size(); i++) {
                deltas.add(new SimDelta.ToolCallStart(i, "call_sim_" + toolCalls.incrementAndGet(), calls.get(i).name()));
                for (String fragment : fragments(calls.get(i).arguments())) {
                    deltas.add(new SimDelta.ToolCallArguments(i, fragment));
                }
            }
            return new SimAnswer(id, created, request.model(), List.copyOf(deltas), SimAnswer.TOOL_CALLS,
                    request.promptWords());
        }
        int length = SimulatedText.wholeSentences(settings.tokens());
        return text(request, id, created, reasoning, length, SimulatedText::token,
                SimulatedText.endsSentence(length));
    }

    /**
     * A text answer: {@code reasoning}, then up to {@code available} tokens, cut by the request's
     * {@code max_tokens}. It finishes with {@code stop} only when all {@code available} tokens went out and
     * they end a sentence ({@code whole}); otherwise the answer was cut short, which {@code length} says.
     * Tokens are made as they are streamed, so a long answer costs no memory up front.
     */
    private static SimAnswer text(SimRequest request, String id, long created, List<SimDelta> reasoning,
                                  int available, IntFunction<String> token, boolean whole) {
        int count = Math.min(available, request.maxTokens().orElse(Integer.MAX_VALUE));
        List<SimDelta> deltas = new AbstractList<>() {
            @Override
            public SimDelta get(int i) {
                Objects.checkIndex(i, size());
                return i < reasoning.size() ? reasoning.get(i) : new SimDelta.Content(token.apply(i - reasoning.size()));
            }

            @Override
            public int size() {
                return reasoning.size() + count;
            }
        };
        return new SimAnswer(id, created, request.model(), deltas, count == available && whole ? "stop" : "length",
                request.promptWords());
    }

    private static List<SimDelta> reasoning() {
        return REASONING.stream().<SimDelta>map(SimDelta.Reasoning::new).toList();
    }

    /** Cuts arguments JSON into up to {@link #ARGUMENT_FRAGMENTS} non-empty pieces, never inside a surrogate pair. */
    static List<String> fragments(String arguments) {
        List<String> pieces = new ArrayList<>(ARGUMENT_FRAGMENTS);
        int from = 0;
        for (int k = 1; k <= ARGUMENT_FRAGMENTS; k++) {
            int to = k == ARGUMENT_FRAGMENTS ? arguments.length() : arguments.length() * k / ARGUMENT_FRAGMENTS;
            if (to > 0 && to < arguments.length() && Character.isHighSurrogate(arguments.charAt(to - 1))) {
                to++;
            }
            if (to > from) {
                pieces.add(arguments.substring(from, to));
                from = to;
            }
        }
        return pieces;
    }
}
