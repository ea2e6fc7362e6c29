package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

/**
 * What a provider adapter publishes into a {@link TokenSink}, in arrival order.
 *
 * <p>A stream carries any number of deltas and tool calls and ends with exactly one terminal event:
 * {@link Completed} or {@link Failed}. Nothing follows a terminal event.
 */
public sealed interface UpstreamEvent {

    /** Whether this event ends the stream. */
    default boolean isTerminal() {
        return false;
    }

    /** Approximate heap bytes this event holds, for the memory gauge. */
    default int retainedBytes() {
        return 32;
    }

    /** A piece of the answer text. */
    record TextDelta(String text) implements UpstreamEvent {
        public TextDelta {
            requireNonNull(text, "text");
        }

        @Override
        public int retainedBytes() {
            return 56 + text.length();
        }
    }

    /** A piece of the model's reasoning (OpenAI-style {@code reasoning}, Anthropic {@code thinking_delta}). */
    record ThinkingDelta(String text) implements UpstreamEvent {
        public ThinkingDelta {
            requireNonNull(text, "text");
        }

        @Override
        public int retainedBytes() {
            return 56 + text.length();
        }
    }

    /**
     * A whole reasoning block as the provider signed it: Anthropic's {@code thinking} with its {@code signature}, or a
     * {@code redacted_thinking} block's encrypted {@code data}. The client already had its text as
     * {@link ThinkingDelta}s; this copy is for the provider, which must be sent it back unchanged, ahead of the tool
     * calls it led to, or it rejects the next step of the tool loop.
     *
     * @param thinking the block's text; {@code null} when redacted
     * @param signature the signature of {@code thinking}; {@code null} when redacted
     * @param redactedData the encrypted reasoning of a {@code redacted_thinking} block; {@code null} otherwise
     */
    record SignedThinking(String thinking, String signature, String redactedData) implements UpstreamEvent {
        public SignedThinking {
            if (redactedData == null) {
                requireNonNull(thinking, "thinking");
                requireNonNull(signature, "signature");
            } else if (thinking != null || signature != null) {
                throw new IllegalArgumentException("a redacted block carries only its data");
            }
        }

        public static SignedThinking of(String thinking, String signature) {
            return new SignedThinking(thinking, signature, null);
        }

        public static SignedThinking redacted(String data) {
            return new SignedThinking(null, null, requireNonNull(data, "data"));
        }

        public boolean isRedacted() {
            return redactedData != null;
        }

        @Override
        public int retainedBytes() {
            return isRedacted() ? 48 + redactedData.length() : 64 + thinking.length() + signature.length();
        }
    }

    /** A tool call whose arguments are complete. {@code argumentsJson} is the raw JSON object text. */
    record ToolCall(String id, String name, String argumentsJson) implements UpstreamEvent {
        public ToolCall {
            requireNonNull(id, "id");
            requireNonNull(name, "name");
            requireNonNull(argumentsJson, "argumentsJson");
        }

        @Override
        public int retainedBytes() {
            return 96 + id.length() + name.length() + argumentsJson.length();
        }
    }

    /**
     * One provider event exactly as it is relayed to a client that speaks the provider's own dialect (the
     * pass-through): its SSE lines, blank line included. Only {@link PassThroughParser} publishes these; the typed
     * events above are not published alongside, so a consumer sees either raw or typed events for a stream, never
     * both (terminal events excepted).
     *
     * @param bytes the event's bytes; the array is owned by the event and must not be changed
     * @param generatedChars the characters of answer text, reasoning and tool calls it carried, for estimating the
     *     tokens of a stream that ends without the provider's usage
     */
    record RawEvent(byte[] bytes, int generatedChars) implements UpstreamEvent {
        public RawEvent {
            requireNonNull(bytes, "bytes");
            if (generatedChars < 0) {
                throw new IllegalArgumentException("generatedChars must not be negative");
            }
        }

        @Override
        public int retainedBytes() {
            return 48 + bytes.length;
        }
    }

    /** The provider finished normally. */
    record Completed(String finishReason, Usage usage) implements UpstreamEvent {
        public Completed {
            requireNonNull(finishReason, "finishReason");
            requireNonNull(usage, "usage");
        }

        @Override
        public boolean isTerminal() {
            return true;
        }
    }

    /** The call failed; no {@link Completed} follows. */
    record Failed(UpstreamError error) implements UpstreamEvent {
        public Failed {
            requireNonNull(error, "error");
        }

        @Override
        public boolean isTerminal() {
            return true;
        }
    }
}
