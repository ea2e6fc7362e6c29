package io.streamgate.gateway;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.http.HealthResponder.UpstreamState;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamTransport;
import io.streamgate.llm.anthropic.AnthropicOptions;
import io.streamgate.llm.anthropic.AnthropicProvider;
import io.streamgate.llm.openai.OpenAiProvider;
import io.streamgate.llm.resilience.ResilientProvider;
import io.streamgate.llm.resilience.RetryPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * The provider the gateway calls: one adapter per base URL in {@code STREAMGATE_UPSTREAM_URL} (comma separated,
 * tried in order), behind retries and a circuit breaker per upstream; and what {@code /readyz} says about each.
 */
final class Upstreams {

    /** The name the built-in simulator goes by in logs, metrics and {@code /readyz}. */
    static final String SIMULATOR = "simulator";

    /** One configured upstream: the API it speaks and where it is. */
    record Target(String kind, String host) {}

    private final ResilientProvider provider;
    private final List<Target> targets;

    private Upstreams(ResilientProvider provider, List<Target> targets) {
        this.provider = provider;
        this.targets = List.copyOf(targets);
    }

    /**
     * @param baseUrls the configured URLs, or the simulator's
     * @param simulated whether {@code baseUrls} is the built-in simulator, so it is named as such
     */
    static Upstreams create(GatewayConfig config, UpstreamTransport http, String baseUrls, boolean simulated) {
        GatewayConfig.ProviderSettings p = config.provider();
        List<LlmProvider> chain = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        for (String url : Arrays.stream(baseUrls.split(",")).map(String::strip).filter(u -> !u.isEmpty()).toList()) {
            LlmProvider adapter = adapter(config, http, url);
            targets.add(new Target(adapter.name(), hostOf(url)));
            chain.add(simulated ? new Renamed(SIMULATOR, adapter) : adapter);
        }
        if (chain.isEmpty()) {
            throw new ConfigException("STREAMGATE_UPSTREAM_URL names no URL");
        }
        RetryPolicy defaults = RetryPolicy.defaults();
        RetryPolicy policy = new RetryPolicy(
                p.maxAttempts(), defaults.baseBackoff(), defaults.maxBackoff(), defaults.maxRetryAfter());
        return new Upstreams(ResilientProvider.create(chain, policy, p.breakerThreshold(), p.breakerOpen()), targets);
    }

    ResilientProvider provider() {
        return provider;
    }

    /** Each upstream's state now, in chain order; reads memory only. */
    List<UpstreamState> states() {
        List<ResilientProvider.UpstreamStatus> status = provider.status();
        List<UpstreamState> states = new ArrayList<>(status.size());
        for (int i = 0; i < status.size(); i++) {
            Target t = targets.get(i);
            states.add(new UpstreamState(status.get(i).name(), t.kind(), t.host(), status.get(i)));
        }
        return states;
    }

    /** {@code host:port} only: a base URL may carry credentials or a query, which health reports must not show. */
    private static String hostOf(String url) {
        HttpUrl parsed = HttpUrl.get(url); // the adapter has accepted the URL already
        return parsed.host() + ":" + parsed.port();
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

    private static LlmProvider adapter(GatewayConfig config, UpstreamTransport http, String url) {
        GatewayConfig.ProviderSettings p = config.provider();
        StreamLimits limits = new StreamLimits(p.maxToolArgumentBytes(), p.maxToolCalls());
        try {
            LlmProvider adapter = switch (p.kind()) {
                case "anthropic" -> AnthropicProvider.create(http, url, config.upstreamApiKey(), config.model(),
                        AnthropicOptions.defaults()
                                .withMaxTokens(p.anthropicMaxTokens())
                                .withPromptCaching(p.anthropicPromptCaching())
                                .withThinkingBudgetTokens(p.anthropicThinkingBudget()))
                        .withLimits(limits);
                default -> OpenAiProvider.create(http, url, config.upstreamApiKey(), config.model()).withLimits(limits);
            };
            return new NotFoundWarning(adapter, p.kind() + " at " + printable(HttpUrl.get(url)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("STREAMGATE_UPSTREAM_URL '" + url + "': " + e.getMessage());
        }
    }

    /** An adapter under another name, e.g. the OpenAI adapter talking to the built-in simulator. */
    private record Renamed(String name, LlmProvider delegate) implements LlmProvider {
        Renamed {
            requireNonNull(name, "name");
            requireNonNull(delegate, "delegate");
        }

        @Override
        public UpstreamCall stream(ChatRequest request, TokenSink sink) {
            return delegate.stream(request, sink);
        }
    }
}
