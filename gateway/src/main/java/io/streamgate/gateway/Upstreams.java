package io.streamgate.gateway;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.anthropic.AnthropicOptions;
import io.streamgate.llm.anthropic.AnthropicProvider;
import io.streamgate.llm.openai.OpenAiProvider;
import io.streamgate.llm.resilience.ResilientProvider;
import io.streamgate.llm.resilience.RetryPolicy;
import java.util.Arrays;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Builds the provider the gateway calls: one adapter per base URL in {@code STREAMGATE_UPSTREAM_URL} (comma
 * separated, tried in order), behind retries and a circuit breaker per upstream.
 */
final class Upstreams {

    private Upstreams() {}

    /** @param baseUrls the configured URLs, or the simulator's */
    static ResilientProvider create(GatewayConfig config, OkHttpClient http, String baseUrls) {
        GatewayConfig.ProviderSettings p = config.provider();
        List<LlmProvider> chain = Arrays.stream(baseUrls.split(","))
                .map(String::strip)
                .filter(url -> !url.isEmpty())
                .map(url -> adapter(config, http, url))
                .toList();
        if (chain.isEmpty()) {
            throw new ConfigException("STREAMGATE_UPSTREAM_URL names no URL");
        }
        RetryPolicy defaults = RetryPolicy.defaults();
        RetryPolicy policy = new RetryPolicy(
                p.maxAttempts(), defaults.baseBackoff(), defaults.maxBackoff(), defaults.maxRetryAfter());
        return ResilientProvider.create(chain, policy, p.breakerThreshold(), p.breakerOpen());
    }

    /**
     * One line per configured upstream for the start log: kind, then scheme, host, port and path. Never a key: the
     * URL's user info, query and fragment, where credentials can hide, are left out.
     */
    static List<String> describe(GatewayConfig config) {
        List<HttpUrl> urls = Arrays.stream(config.upstreamUrl().split(","))
                .map(url -> HttpUrl.parse(url.strip()))
                .filter(java.util.Objects::nonNull)
                .toList();
        String model = config.model() == null ? "" : ", model " + config.model();
        return java.util.stream.IntStream.range(0, urls.size())
                .mapToObj(i -> (i + 1) + " of " + urls.size() + ": " + config.provider().kind() + " at "
                        + printable(urls.get(i)) + model)
                .toList();
    }

    /** Scheme, host, port and path: what a log line may show of an upstream URL. */
    private static String printable(HttpUrl url) {
        return url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath();
    }

    private static LlmProvider adapter(GatewayConfig config, OkHttpClient http, String url) {
        GatewayConfig.ProviderSettings p = config.provider();
        try {
            LlmProvider adapter = switch (p.kind()) {
                case "anthropic" -> AnthropicProvider.create(http, url, config.upstreamApiKey(), config.model(),
                        AnthropicOptions.defaults()
                                .withMaxTokens(p.anthropicMaxTokens())
                                .withPromptCaching(p.anthropicPromptCaching())
                                .withThinkingBudgetTokens(p.anthropicThinkingBudget()));
                default -> OpenAiProvider.create(http, url, config.upstreamApiKey(), config.model());
            };
            return new NotFoundWarning(adapter, p.kind() + " at " + printable(HttpUrl.get(url)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("STREAMGATE_UPSTREAM_URL '" + url + "': " + e.getMessage());
        }
    }
}
