package io.streamgate.gateway.dropin;

import com.fasterxml.jackson.core.JsonGenerator;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.llm.Usage;
import java.io.IOException;

/**
 * Usage in each dialect. The two count the prompt differently: OpenAI's {@code prompt_tokens} includes the cached
 * tokens ({@code prompt_tokens_details.cached_tokens}), Anthropic's {@code input_tokens} excludes the tokens read from
 * and written to the cache, so a count is converted according to the dialect of the provider that reported it. A
 * count the provider did not report is written as 0.
 */
final class UsageJson {

    private UsageJson() {}

    /** {@code "usage": {prompt_tokens, completion_tokens, total_tokens, prompt_tokens_details?}}. */
    static void writeOpenAi(JsonGenerator g, Usage usage, Dialect reportedIn) throws IOException {
        long prompt = known(usage.promptTokens());
        if (reportedIn == Dialect.ANTHROPIC) {
            prompt += known(usage.cacheReadInputTokens()) + known(usage.cacheCreationInputTokens());
        }
        long completion = known(usage.completionTokens());
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", prompt);
        g.writeNumberField("completion_tokens", completion);
        g.writeNumberField("total_tokens", prompt + completion);
        if (usage.cacheReadInputTokens() >= 0) {
            g.writeObjectFieldStart("prompt_tokens_details");
            g.writeNumberField("cached_tokens", usage.cacheReadInputTokens());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** {@code "usage": {input_tokens, output_tokens, cache_creation_input_tokens?, cache_read_input_tokens?}}. */
    static void writeAnthropic(JsonGenerator g, Usage usage, Dialect reportedIn) throws IOException {
        long input = known(usage.promptTokens());
        if (reportedIn == Dialect.OPENAI) {
            input = Math.max(0, input - known(usage.cacheReadInputTokens()));
        }
        g.writeObjectFieldStart("usage");
        g.writeNumberField("input_tokens", input);
        g.writeNumberField("output_tokens", known(usage.completionTokens()));
        if (usage.cacheCreationInputTokens() >= 0) {
            g.writeNumberField("cache_creation_input_tokens", usage.cacheCreationInputTokens());
        }
        if (usage.cacheReadInputTokens() >= 0) {
            g.writeNumberField("cache_read_input_tokens", usage.cacheReadInputTokens());
        }
        g.writeEndObject();
    }

    private static long known(long count) {
        return Math.max(0, count);
    }
}
