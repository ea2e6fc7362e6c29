package io.streamgate.gateway.testing;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.routing.Deployment;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.gateway.routing.ModelRouter;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.OkHttpTransport;
import io.streamgate.llm.StreamingPost;
import io.streamgate.llm.UpstreamClients;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamTrust;
import io.streamgate.llm.anthropic.AnthropicProvider;
import io.streamgate.llm.openai.OpenAiProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * A test-only {@link ModelRouter}: fixed model names, each mapped to deployments in order, no health or weights.
 * It records what the gateway tells it (leases outstanding, cooldowns), for tests to assert on.
 */
public final class FakeRoutes implements ModelRouter {

    private static final OkHttpClient HTTP = UpstreamClients.create(UpstreamClients.Settings.defaults(), UpstreamTrust.system());

    /** One provider endpoint; its typed provider reads through OkHttp, its pass-through through the gateway's transport. */
    public record FakeDeployment(String name, Dialect dialect, String baseUrl, String upstreamModel, LlmProvider provider)
            implements Deployment {

        @Override
        public StreamingPost passThrough(byte[] body, Map<String, String> headers) {
            HttpUrl url = HttpUrl.get(baseUrl).newBuilder()
                    .addPathSegments(dialect == Dialect.OPENAI ? "chat/completions" : "messages")
                    .build();
            Map<String, String> all = new LinkedHashMap<>();
            if (dialect == Dialect.ANTHROPIC) {
                all.put("anthropic-version", "2023-06-01");
            }
            all.putAll(headers);
            return new StreamingPost(url, "application/json", body, all);
        }
    }

    /** An OpenAI-compatible deployment at {@code baseUrl} (ending in {@code /v1}). */
    public static FakeDeployment openAi(String name, String baseUrl, String upstreamModel) {
        return new FakeDeployment(name, Dialect.OPENAI, baseUrl, upstreamModel,
                OpenAiProvider.create(OkHttpTransport.of(HTTP), baseUrl, null, upstreamModel));
    }

    /** An Anthropic deployment at {@code baseUrl} (ending in {@code /v1}). */
    public static FakeDeployment anthropic(String name, String baseUrl, String upstreamModel) {
        return new FakeDeployment(name, Dialect.ANTHROPIC, baseUrl, upstreamModel,
                AnthropicProvider.create(OkHttpTransport.of(HTTP), baseUrl, null,
                        upstreamModel != null ? upstreamModel : name));
    }

    private final Map<String, List<Deployment>> routes = new LinkedHashMap<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final List<String> cooledDown = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger succeeded = new AtomicInteger();

    /** Routes {@code model} to {@code deployments}, tried in order. */
    public FakeRoutes route(String model, Deployment... deployments) {
        routes.put(requireNonNull(model, "model"), List.of(deployments));
        return this;
    }

    @Override
    public List<Deployment> candidates(String model) {
        return routes.getOrDefault(model, List.of());
    }

    @Override
    public List<String> models() {
        return new ArrayList<>(routes.keySet());
    }

    @Override
    public Lease begin(Deployment deployment) {
        outstanding.incrementAndGet();
        boolean[] closed = {false};
        return () -> {
            synchronized (closed) {
                if (!closed[0]) {
                    closed[0] = true;
                    outstanding.decrementAndGet();
                }
            }
        };
    }

    @Override
    public String label(String model) {
        return routes.containsKey(model) ? model : null;
    }

    /** The first candidate's own provider: no fallback among typed calls here. */
    @Override
    public LlmProvider provider(List<Deployment> candidates) {
        return candidates.getFirst().provider();
    }

    @Override
    public void coolDown(Deployment deployment, Duration retryAfter) {
        cooledDown.add(deployment.name() + ":" + (retryAfter == null ? "default" : retryAfter.toSeconds()));
    }

    @Override
    public void succeeded(Deployment deployment) {
        succeeded.incrementAndGet();
    }

    /** Cools the deployment down after a 429 or 529, as the real router does. */
    @Override
    public void failed(Deployment deployment, UpstreamError error) {
        failures.add(deployment.name() + ":" + error.code().wireName());
        if (error.httpStatus() == 429 || error.httpStatus() == 529) {
            coolDown(deployment, error.retryAfter());
        }
    }

    /** Pass-through calls that reported an answer. */
    public int succeeded() {
        return succeeded.get();
    }

    /** Each reported failure as {@code name:code}, in order. */
    public List<String> failures() {
        return failures;
    }

    /** Streams begun and not yet ended. */
    public int outstanding() {
        return outstanding.get();
    }

    /** Each cooldown as {@code name:seconds}, in order. */
    public List<String> cooledDown() {
        return cooledDown;
    }
}
