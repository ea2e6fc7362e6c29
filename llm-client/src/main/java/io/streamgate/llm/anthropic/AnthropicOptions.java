package io.streamgate.llm.anthropic;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the Anthropic adapter that the provider-neutral {@link io.streamgate.llm.ChatRequest} has no words for.
 *
 * @param maxTokens {@code max_tokens} when a request sets none; Anthropic requires the field, unlike OpenAI
 * @param promptCaching marks the system prompt and the tool list with {@code cache_control: ephemeral}, so a
 *     conversation's later turns read that prefix from the cache (cheaper, faster first token)
 * @param thinkingBudgetTokens extended thinking's {@code budget_tokens}; 0 turns thinking off. Anthropic wants it
 *     at least 1024 and below {@code max_tokens}
 * @param anthropicVersion the {@code anthropic-version} header, which pins the API's wire format
 */
public record AnthropicOptions(int maxTokens, boolean promptCaching, int thinkingBudgetTokens, String anthropicVersion) {

    public static final int DEFAULT_MAX_TOKENS = 4096;
    public static final String DEFAULT_VERSION = "2023-06-01";

    public AnthropicOptions {
        requireNonNull(anthropicVersion, "anthropicVersion");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive: " + maxTokens);
        }
        if (thinkingBudgetTokens < 0) {
            throw new IllegalArgumentException("thinkingBudgetTokens must be 0 (off) or positive: " + thinkingBudgetTokens);
        }
        if (thinkingBudgetTokens >= maxTokens) {
            throw new IllegalArgumentException("thinkingBudgetTokens must be below maxTokens, which includes it");
        }
        if (anthropicVersion.isBlank()) {
            throw new IllegalArgumentException("anthropicVersion is blank");
        }
    }

    /** 4096 output tokens, prompt caching on, thinking off, version {@value #DEFAULT_VERSION}. */
    public static AnthropicOptions defaults() {
        return new AnthropicOptions(DEFAULT_MAX_TOKENS, true, 0, DEFAULT_VERSION);
    }

    public AnthropicOptions withMaxTokens(int maxTokens) {
        return new AnthropicOptions(maxTokens, promptCaching, thinkingBudgetTokens, anthropicVersion);
    }

    public AnthropicOptions withPromptCaching(boolean promptCaching) {
        return new AnthropicOptions(maxTokens, promptCaching, thinkingBudgetTokens, anthropicVersion);
    }

    public AnthropicOptions withThinkingBudgetTokens(int thinkingBudgetTokens) {
        return new AnthropicOptions(maxTokens, promptCaching, thinkingBudgetTokens, anthropicVersion);
    }

    public AnthropicOptions withAnthropicVersion(String anthropicVersion) {
        return new AnthropicOptions(maxTokens, promptCaching, thinkingBudgetTokens, anthropicVersion);
    }

    /** Whether requests ask for extended thinking. */
    public boolean thinking() {
        return thinkingBudgetTokens > 0;
    }
}
