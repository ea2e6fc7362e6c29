package io.streamgate.gateway;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.http.HealthResponder.UpstreamState;
import io.streamgate.gateway.routing.AdapterFactory;
import io.streamgate.gateway.routing.DeploymentSpec;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.gateway.routing.RouteSpec;
import io.streamgate.gateway.routing.RouteTable;
import io.streamgate.gateway.routing.RoutesFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.UpstreamTransport;
import io.streamgate.llm.anthropic.AnthropicOptions;
import io.streamgate.llm.anthropic.AnthropicProvider;
import io.streamgate.llm.openai.OpenAiProvider;
import io.streamgate.llm.resilience.RetryPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * The providers the gateway calls, as a {@link RouteTable}: the routes file's, or else the one route that the
 * single-upstream settings make (every model to the URLs of {@code STREAMGATE_UPSTREAM_URL}, comma separated, tried
 * in order); each deployment behind retries and a circuit breaker of its own. And what {@code /readyz} says about
 * each.
 */
final class Upstreams {

    /** The name the built-in simulator goes by in logs, metrics and {@code /readyz}. */
    static final String SIMULATOR = "simulator";

    /** The model name the simulator answers as when {@code STREAMGATE_MODEL} names none. */
    static final String SIMULATOR_MODEL = "streamgate-sim";

    private final RouteTable router;

    private Upstreams(RouteTable router) {
        this.router = router;
    }

    /**
     * The one-route default: every model goes to the URLs in {@code baseUrls}, tried in order.
     *
     * @param baseUrls the configured URLs, or the simulator's
     * @param simulated whether {@code baseUrls} is the built-in simulator, so it is named as such
     */
    static Upstreams create(GatewayConfig config, UpstreamTransport http, String baseUrls, boolean simulated) {
        GatewayConfig.ProviderSettings p = config.provider();
        Dialect dialect = dialect(p.kind());
        List<DeploymentSpec> deployments = new ArrayList<>();
        for (String url : Arrays.stream(baseUrls.split(",")).map(String::strip).filter(u -> !u.isEmpty()).toList()) {
            // No model of its own: a request's model goes as it is, and STREAMGATE_MODEL is the adapter's default.
            deployments.add(new DeploymentSpec(simulated ? SIMULATOR : p.kind(), dialect, url,
                    config.upstreamApiKey(), null, 1));
        }
        if (deployments.isEmpty()) {
            throw new ConfigException("STREAMGATE_UPSTREAM_URL names no URL");
        }
        String model = config.model() != null ? config.model() : simulated ? SIMULATOR_MODEL : null;
        RouteSpec route = new RouteSpec("*", model != null ? model : "default",
                model != null ? List.of(model) : List.of(), deployments, List.of(), true);
        try {
            return new Upstreams(RouteTable.build(List.of(route), null,
                    adapters(config, http, "STREAMGATE_UPSTREAM_URL", config.model()), settings(config)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("STREAMGATE_UPSTREAM_URL: " + e.getMessage());
        }
    }

    /**
     * The routes of {@code STREAMGATE_ROUTES_FILE}, checked: any problem stops the start with one line naming the
     * file and the problem.
     */
    static Upstreams fromFile(GatewayConfig config, UpstreamTransport http, Path file, Function<String, String> env) {
        String setting = "STREAMGATE_ROUTES_FILE " + file;
        byte[] text;
        try {
            if (Files.size(file) > RoutesFile.MAX_FILE_BYTES) {
                throw new ConfigException(setting + ": the file is larger than " + RoutesFile.MAX_FILE_BYTES + " bytes");
            }
            text = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(setting + ": cannot read the file: " + e);
        }
        try {
            RoutesFile.Routes routes = RoutesFile.parse(text, RoutesFile.isYaml(file.toString()), env);
            return new Upstreams(RouteTable.build(routes.routes(), routes.defaultModel(),
                    adapters(config, http, "STREAMGATE_ROUTES_FILE", null), settings(config)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting + ": " + e.getMessage());
        }
    }

    static Dialect dialect(String kind) {
        return "anthropic".equals(kind) ? Dialect.ANTHROPIC : Dialect.OPENAI;
    }

    /** Retries and breakers as the {@code STREAMGATE_UPSTREAM_*} settings say. */
    static RouteTable.Settings settings(GatewayConfig config) {
        GatewayConfig.ProviderSettings p = config.provider();
        RetryPolicy defaults = RetryPolicy.defaults();
        RetryPolicy policy = new RetryPolicy(
                p.maxAttempts(), defaults.baseBackoff(), defaults.maxBackoff(), defaults.maxRetryAfter());
        return RouteTable.Settings.of(policy, p.breakerThreshold(), p.breakerOpen());
    }

    RouteTable router() {
        return router;
    }

    /** Each deployment's state now, in configuration order; reads memory only. */
    List<UpstreamState> states() {
        return router.states().stream()
                .map(s -> new UpstreamState(s.name(), s.kind(), s.host(), s.status(), s.route(), s.outstanding(),
                        s.coolingDownMillis()))
                .toList();
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

    /** One line per deployment of a routes file for the start log: route, name, kind, host and port; never a key. */
    List<String> describeRoutes(Path file) {
        List<String> lines = new ArrayList<>();
        lines.add("routes from " + file + " (STREAMGATE_ROUTES_FILE): " + String.join(", ", router.models()));
        router.states().forEach(s -> lines.add("route " + s.route() + ": " + s.name() + " (" + s.kind() + " at "
                + s.host() + ")"));
        return lines;
    }

    /** Scheme, host, port and path: what a log line may show of an upstream URL. */
    static String printable(HttpUrl url) {
        return url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath();
    }

    /**
     * The adapters of deployments: OpenAI-compatible or Anthropic, over the gateway's upstream transport, each
     * warning (naming {@code setting}) when its URL answers 404 to the chat path.
     *
     * @param defaultModel what a deployment without a model of its own sends when the request names none, or
     *     {@code null}
     */
    /**
     * What one stream may gather ({@code STREAMGATE_UPSTREAM_MAX_TOOL_*}): every deployment's typed calls, and the
     * pass-through's side reading, are bounded by it.
     */
    static StreamLimits streamLimits(GatewayConfig config) {
        GatewayConfig.ProviderSettings p = config.provider();
        return new StreamLimits(p.maxToolArgumentBytes(), p.maxToolCalls());
    }

    static AdapterFactory adapters(GatewayConfig config, UpstreamTransport http, String setting, String defaultModel) {
        GatewayConfig.ProviderSettings p = config.provider();
        StreamLimits limits = streamLimits(config);
        return spec -> {
            HttpUrl url = HttpUrl.parse(spec.url());
            if (url == null) {
                throw new IllegalArgumentException("'" + spec.url() + "' is not an http(s) URL");
            }
            String where = spec.dialect().name().toLowerCase(java.util.Locale.ROOT) + " at " + printable(url);
            return switch (spec.dialect()) {
                case ANTHROPIC -> {
                    String model = spec.model() != null ? spec.model() : defaultModel;
                    if (model == null) {
                        throw new IllegalArgumentException("an anthropic deployment needs a model: the Messages API "
                                + "has no default model");
                    }
                    AnthropicProvider adapter = AnthropicProvider.create(http, spec.url(), spec.apiKey(), model,
                            AnthropicOptions.defaults()
                                    .withMaxTokens(p.anthropicMaxTokens())
                                    .withPromptCaching(p.anthropicPromptCaching())
                                    .withThinkingBudgetTokens(p.anthropicThinkingBudget()))
                            .withLimits(limits);
                    yield new AdapterFactory.Adapter(new NotFoundWarning(adapter, where, setting), adapter::post);
                }
                case OPENAI -> {
                    OpenAiProvider adapter = OpenAiProvider.create(http, spec.url(), spec.apiKey(),
                            spec.model() != null ? spec.model() : defaultModel).withLimits(limits);
                    yield new AdapterFactory.Adapter(new NotFoundWarning(adapter, where, setting), adapter::post);
                }
            };
        };
    }
}
