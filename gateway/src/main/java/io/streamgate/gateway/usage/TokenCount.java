package io.streamgate.gateway.usage;

import io.streamgate.llm.Usage;

/**
 * Tokens one request used, per kind, and how much of each count is an estimate: a provider that reported no usage
 * (a stream cut by a disconnect or a stop, a server that sends none) is billed {@link #estimate characters / 4}.
 *
 * @param prompt input tokens (for OpenAI-compatible providers this includes {@code cacheRead}, as they report it)
 * @param completion output tokens, reasoning and tool calls included
 * @param cacheRead input tokens read from the provider's prompt cache
 * @param cacheWrite input tokens written to it (Anthropic)
 * @param estimatedPrompt the part of {@code prompt} that is an estimate
 * @param estimatedCompletion the part of {@code completion} that is an estimate
 */
public record TokenCount(
        long prompt, long completion, long cacheRead, long cacheWrite, long estimatedPrompt, long estimatedCompletion) {

    public static final TokenCount ZERO = new TokenCount(0, 0, 0, 0, 0, 0);

    /** Characters per token for estimates: the usual rule of thumb for English text and code. */
    public static final int CHARS_PER_TOKEN = 4;

    public TokenCount {
        if (prompt < 0 || completion < 0 || cacheRead < 0 || cacheWrite < 0 || estimatedPrompt < 0
                || estimatedCompletion < 0 || estimatedPrompt > prompt || estimatedCompletion > completion) {
            throw new IllegalArgumentException("token counts must be >= 0 and estimates within them");
        }
    }

    /**
     * One provider call's tokens: what the provider reported, and for a count it did not report, an estimate from the
     * characters sent ({@code promptChars}) or generated ({@code completionChars}). Unreported cache counts are 0.
     */
    public static TokenCount of(Usage reported, long promptChars, long completionChars) {
        boolean promptKnown = reported.promptTokens() >= 0;
        boolean completionKnown = reported.completionTokens() >= 0;
        long prompt = promptKnown ? reported.promptTokens() : estimate(promptChars);
        long completion = completionKnown ? reported.completionTokens() : estimate(completionChars);
        return new TokenCount(prompt, completion, Math.max(0, reported.cacheReadInputTokens()),
                Math.max(0, reported.cacheCreationInputTokens()), promptKnown ? 0 : prompt,
                completionKnown ? 0 : completion);
    }

    /** {@code chars / 4}, rounded up: a single character is a token. */
    public static long estimate(long chars) {
        return chars <= 0 ? 0 : (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    public TokenCount plus(TokenCount other) {
        return new TokenCount(prompt + other.prompt, completion + other.completion, cacheRead + other.cacheRead,
                cacheWrite + other.cacheWrite, estimatedPrompt + other.estimatedPrompt,
                estimatedCompletion + other.estimatedCompletion);
    }

    /** What counts against a tenant's tokens-per-minute limit: input and output tokens. */
    public long billable() {
        return prompt + completion;
    }
}
