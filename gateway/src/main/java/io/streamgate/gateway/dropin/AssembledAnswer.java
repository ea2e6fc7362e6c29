package io.streamgate.gateway.dropin;

import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole answer gathered from a stream's typed events, for a client that asked for one document
 * ({@code stream: false}). Bounded: past {@code maxChars} of text, reasoning and arguments it refuses more.
 */
final class AssembledAnswer {

    private final int maxChars;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final List<UpstreamEvent.SignedThinking> signedThinking = new ArrayList<>();
    private final List<UpstreamEvent.ToolCall> toolCalls = new ArrayList<>();
    private long chars;
    private String finishReason = "stop";
    private Usage usage = Usage.NONE;

    AssembledAnswer(int maxChars) {
        this.maxChars = maxChars;
    }

    /** Adds one non-terminal event; {@code false} when the answer would grow over the bound. */
    boolean add(UpstreamEvent event) {
        switch (event) {
            case UpstreamEvent.TextDelta t -> {
                chars += t.text().length();
                text.append(t.text());
            }
            case UpstreamEvent.ThinkingDelta t -> {
                chars += t.text().length();
                reasoning.append(t.text());
            }
            case UpstreamEvent.SignedThinking s -> {
                chars += s.retainedBytes();
                signedThinking.add(s);
            }
            case UpstreamEvent.ToolCall c -> {
                chars += c.retainedBytes();
                toolCalls.add(c);
            }
            case UpstreamEvent.Completed c -> {
                finishReason = c.finishReason();
                usage = c.usage();
            }
            case UpstreamEvent.RawEvent r -> chars += r.bytes().length; // not expected: documents read typed events
            case UpstreamEvent.Failed f -> { }
        }
        return chars <= maxChars;
    }

    String text() {
        return text.toString();
    }

    String reasoning() {
        return reasoning.toString();
    }

    List<UpstreamEvent.SignedThinking> signedThinking() {
        return signedThinking;
    }

    List<UpstreamEvent.ToolCall> toolCalls() {
        return toolCalls;
    }

    String finishReason() {
        return finishReason;
    }

    Usage usage() {
        return usage;
    }
}
