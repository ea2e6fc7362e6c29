package io.streamgate.llm;

/**
 * Token usage as the provider reported it. A count the provider did not report is {@link #UNKNOWN}.
 *
 * @param promptTokens input tokens
 * @param completionTokens output tokens
 * @param cacheCreationInputTokens Anthropic {@code cache_creation_input_tokens}
 * @param cacheReadInputTokens Anthropic {@code cache_read_input_tokens}, OpenAI {@code cached_tokens}
 */
public record Usage(long promptTokens, long completionTokens, long cacheCreationInputTokens, long cacheReadInputTokens) {

    public static final long UNKNOWN = -1;

    /** Nothing reported. */
    public static final Usage NONE = new Usage(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);

    public boolean hasCompletionTokens() {
        return completionTokens >= 0;
    }
}
