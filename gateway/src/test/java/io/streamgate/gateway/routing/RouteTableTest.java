package io.streamgate.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.StreamingPost;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import io.streamgate.llm.resilience.RetryPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Deque<Integer> draws = new ArrayDeque<>();
    private final List<Integer> bounds = new ArrayList<>();
    /** Each deployment's typed adapter: records the model of every request and the sink, to finish it by hand. */
    private final Map<String, Recorder> adapters = new java.util.HashMap<>();

    private static final class Recorder implements LlmProvider {
        final String name;
        final List<String> models = new ArrayList<>();
        final List<TokenSink> sinks = new ArrayList<>();

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public UpstreamCall stream(ChatRequest request, TokenSink sink) {
            models.add(request.model());
            sinks.add(sink);
            return () -> {};
        }
    }

    private RouteTable.Settings settings() {
        return new RouteTable.Settings(new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofSeconds(1)), 2, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(60),
                clock::get, bound -> {
                    bounds.add(bound);
                    return draws.isEmpty() ? 0 : draws.poll();
                });
    }

    private final AdapterFactory factory = spec -> {
        Recorder r = new Recorder(spec.name());
        adapters.put(spec.name(), r);
        return new AdapterFactory.Adapter(r,
                (body, headers) -> new StreamingPost(HttpUrl.get(spec.url()), "application/json", body, headers));
    };

    private static DeploymentSpec d(String name, int weight) {
        return new DeploymentSpec(name, Dialect.OPENAI, "http://" + name + ".example/v1", null, null, weight);
    }

    private static RouteSpec route(String model, List<String> aliases, List<String> fallbacks, DeploymentSpec... ds) {
        return new RouteSpec(model, model, aliases, List.of(ds), fallbacks, false);
    }

    private RouteTable table(String defaultModel, RouteSpec... routes) {
        return RouteTable.build(List.of(routes), defaultModel, factory, settings());
    }

    private static List<String> names(List<Deployment> ds) {
        return ds.stream().map(Deployment::name).toList();
    }

    @Test
    void exactNamesAndAliasesWinOverGlobsAndGlobsGoInOrder() {
        RouteTable t = table(null,
                route("claude-*", List.of(), List.of(), d("globbed", 1)),
                route("claude-sonnet", List.of("sonnet"), List.of(), d("exact", 1)),
                route("*", List.of(), List.of(), d("anything", 1)));

        assertEquals(List.of("exact"), names(t.candidates("claude-sonnet")));
        assertEquals(List.of("exact"), names(t.candidates("sonnet")));
        assertEquals(List.of("globbed"), names(t.candidates("claude-haiku")));
        assertEquals(List.of("anything"), names(t.candidates("gpt-4o")));
        assertEquals(List.of("globbed"), names(t.candidates(null)), "the first route is the default");
        assertEquals("claude-*", t.label("claude-haiku"), "the label is the route's, not the client's name");
        assertEquals("claude-sonnet", t.label("sonnet"));
        assertEquals(List.of("claude-sonnet", "sonnet"), t.models(), "globs are not model names");
    }

    @Test
    void anUnknownModelHasNoCandidates() {
        RouteTable t = table("gpt-4o", route("gpt-4o", List.of(), List.of(), d("a", 1)));

        assertEquals(List.of(), t.candidates("gpt-5"));
        assertNull(t.label("gpt-5"));
        assertEquals(List.of("a"), names(t.candidates(null)));
    }

    @Test
    void globsMatchWholeNamesOnly() {
        assertTrue(Glob.matches("claude-*", "claude-"));
        assertTrue(Glob.matches("*-mini", "gpt-4o-mini"));
        assertTrue(Glob.matches("gpt-?o", "gpt-4o"));
        assertTrue(Glob.matches("a*b*c", "aXXbYYc"));
        assertFalse(Glob.matches("gpt-?o", "gpt-40o"));
        assertFalse(Glob.matches("claude-*", "xclaude-3"));
        assertFalse(Glob.matches("*-mini", "gpt-4o-mini-2"));
        String hostile = "a".repeat(5000);
        assertFalse(Glob.matches("*a*a*a*a*a*b", hostile), "no backtracking blow-up, just false");
    }

    @Test
    void fallbacksFollowTheRoutesOwnDeploymentsAcrossProviders() {
        RouteTable t = table(null,
                route("gpt-4o", List.of(), List.of("claude"), d("openai-a", 1), d("openai-b", 1)),
                route("claude-sonnet", List.of("claude"), List.of("local"),
                        new DeploymentSpec("anthropic", Dialect.ANTHROPIC, "http://anthropic.example/v1", "k",
                                "claude-sonnet-4-5", 1)),
                route("local", List.of(), List.of(), d("ollama", 1)));

        List<Deployment> c = t.candidates("gpt-4o");

        assertEquals(List.of("openai-a", "openai-b", "anthropic", "ollama"), names(c));
        assertEquals(Dialect.ANTHROPIC, c.get(2).dialect());
        assertEquals("claude-sonnet-4-5", c.get(2).upstreamModel());
    }

    @Test
    void badGraphsAreRefusedWithTheProblemNamed() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> table(null,
                route("a", List.of(), List.of("nope"), d("x", 1))));
        assertTrue(unknown.getMessage().contains("fallback 'nope' names no route"), unknown.getMessage());

        var cycle = assertThrows(IllegalArgumentException.class, () -> table(null,
                route("a", List.of(), List.of("b"), d("x", 1)),
                route("b", List.of(), List.of("c"), d("y", 1)),
                route("c", List.of(), List.of("a"), d("z", 1))));
        assertEquals("fallback cycle: a -> b -> c -> a", cycle.getMessage());

        var self = assertThrows(IllegalArgumentException.class, () -> table(null,
                route("a", List.of("aa"), List.of("aa"), d("x", 1))));
        assertTrue(self.getMessage().contains("falls back to itself"), self.getMessage());

        var twice = assertThrows(IllegalArgumentException.class, () -> table(null,
                route("a", List.of(), List.of(), d("x", 1)),
                route("b", List.of("a"), List.of(), d("y", 1))));
        assertEquals("model 'a' is routed twice", twice.getMessage());

        var defaultUnknown = assertThrows(IllegalArgumentException.class, () -> table("zzz",
                route("a", List.of(), List.of(), d("x", 1))));
        assertTrue(defaultUnknown.getMessage().contains("default_model 'zzz'"), defaultUnknown.getMessage());

        var badAdapter = assertThrows(IllegalArgumentException.class, () -> RouteTable.build(
                List.of(route("a", List.of(), List.of(), d("x", 1))), null,
                spec -> {
                    throw new IllegalArgumentException("bad URL");
                }, settings()));
        assertEquals("deployment 'x': bad URL", badAdapter.getMessage());
    }

    @Test
    void idleDeploymentsAreDrawnInProportionToTheirWeights() {
        RouteTable t = table(null, route("m", List.of(), List.of(), d("heavy", 3), d("light", 1)));

        draws.add(2); // [0, 3) is heavy's share of 4
        assertEquals("heavy", t.candidates("m").getFirst().name());
        draws.add(3); // [3, 4) is light's
        assertEquals(List.of("light", "heavy"), names(t.candidates("m")));
        assertEquals(List.of(4, 4), bounds, "the draw is over the total weight");
    }

    @Test
    void theLeastOutstandingPerWeightGoesFirst() {
        RouteTable t = table(null, route("m", List.of(), List.of(), d("heavy", 3), d("light", 1)));
        Deployment heavy = t.candidates("m").getFirst();
        Deployment light = t.candidates("m").get(1);
        bounds.clear();

        ModelRouter.Lease one = t.begin(heavy);
        assertEquals("light", t.candidates("m").getFirst().name(), "heavy 1/3 > light 0/1");
        ModelRouter.Lease two = t.begin(light);
        assertEquals("heavy", t.candidates("m").getFirst().name(), "heavy 1/3 < light 1/1");
        ModelRouter.Lease three = t.begin(heavy);
        ModelRouter.Lease four = t.begin(heavy);
        assertEquals(List.of(), bounds, "no draw while one is less loaded");
        draws.add(3);
        assertEquals("light", t.candidates("m").getFirst().name(), "3/3 ties 1/1: drawn by weight");
        four.close();
        four.close(); // harmless
        assertEquals("heavy", t.candidates("m").getFirst().name(), "2/3 < 1/1: a lease closed twice counts once");
        one.close();
        two.close();
        three.close();
    }

    @Test
    void aRateLimitedDeploymentCoolsDownForItsRetryAfterThenComesBack() {
        RouteTable t = table(null, route("m", List.of(), List.of(), d("a", 1), d("b", 1)));
        Deployment a = t.candidates("m").getFirst();

        t.failed(a, new UpstreamError(ErrorCode.RATE_LIMITED, "429", true, 429, Duration.ofSeconds(7)));

        assertEquals(List.of("b", "a"), names(t.candidates("m")), "cooling: last, but still there");
        assertEquals(7000, t.states().getFirst().coolingDownMillis());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(7) - 1);
        assertEquals("b", t.candidates("m").getFirst().name());
        clock.addAndGet(1);
        assertEquals(0, t.states().getFirst().coolingDownMillis());
        assertEquals(List.of("a", "b"), names(t.candidates("m")), "back once Retry-After has passed");
    }

    @Test
    void aCoolDownHasADefaultAndAMaximum() {
        RouteTable t = table(null, route("m", List.of(), List.of(), d("a", 1)));
        Deployment a = t.candidates("m").getFirst();

        t.failed(a, new UpstreamError(ErrorCode.OVERLOADED, "529", true, 529));
        assertEquals(5000, t.states().getFirst().coolingDownMillis(), "no Retry-After: the default");
        t.coolDown(a, Duration.ofHours(1));
        assertEquals(60_000, t.states().getFirst().coolingDownMillis(), "a long Retry-After is capped");
        t.coolDown(a, Duration.ofSeconds(1));
        assertEquals(60_000, t.states().getFirst().coolingDownMillis(), "a shorter one does not shorten it");
        t.failed(a, new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, "502", true, 502));
        assertEquals(60_000, t.states().getFirst().coolingDownMillis(), "other failures do not cool down");
    }

    @Test
    void anOpenBreakerMakesADeploymentUnhealthy() {
        RouteTable t = table(null, route("m", List.of(), List.of(), d("a", 1), d("b", 1)));
        Deployment a = t.candidates("m").getFirst();
        UpstreamError down = new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, "502", true, 502);

        t.failed(a, down);
        assertEquals("a", t.candidates("m").getFirst().name(), "one failure of a threshold of two");
        t.failed(a, down);
        assertEquals(List.of("b", "a"), names(t.candidates("m")));
        assertEquals("502", t.states().getFirst().status().lastFailure().error().message());
        t.failed(a, new UpstreamError(ErrorCode.BAD_REQUEST, "400", false, 400));
        t.succeeded(a);
        assertEquals("a", t.candidates("m").getFirst().name(), "an answer closes the breaker");
    }

    @Test
    void theProviderRoutesTheModelLeasesTheStreamAndCoolsDownOnA429() {
        RouteTable t = table(null,
                route("gpt-4o", List.of("gpt4"), List.of("claude"), d("openai", 1)),
                route("claude", List.of(), List.of(),
                        new DeploymentSpec("anthropic", Dialect.ANTHROPIC, "http://x.example/v1", null, "claude-4", 1)));
        List<Deployment> candidates = t.candidates("gpt4");
        var request = new ChatRequest("gpt4", List.of(ChatMessage.user("hi")), null, null);
        List<UpstreamEvent> got = new ArrayList<>();
        TokenSink sink = new TokenSink() {
            @Override
            public boolean publish(UpstreamEvent event) {
                got.add(event);
                return true;
            }

            @Override
            public boolean aboveMark() {
                return false;
            }

            @Override
            public boolean isFull() {
                return false;
            }

            @Override
            public void whenBelowMark(Runnable resume) {
                resume.run();
            }
        };

        t.provider(candidates).stream(request, sink);
        assertEquals(List.of("gpt-4o"), adapters.get("openai").models, "the alias goes out as the route's model");
        assertEquals(1, t.states().get(0).outstanding());
        adapters.get("openai").sinks.getFirst().publish(new UpstreamEvent.Failed(
                new UpstreamError(ErrorCode.RATE_LIMITED, "429", true, 429, Duration.ofSeconds(3))));

        assertEquals(0, t.states().get(0).outstanding(), "the lease ends with the call");
        assertEquals(3000, t.states().get(0).coolingDownMillis());
        assertEquals(List.of("claude-4"), adapters.get("anthropic").models, "the fallback took over at once");
        assertEquals(1, t.states().get(1).outstanding());
        adapters.get("anthropic").sinks.getFirst().publish(new UpstreamEvent.Completed("stop", Usage.NONE));
        assertEquals(0, t.states().get(1).outstanding());
        assertEquals(List.of(new UpstreamEvent.Completed("stop", Usage.NONE)), got, "the 429 was not the client's");
    }

    @Test
    void aDeploymentOfAnotherRouterIsRefused() {
        RouteTable one = table(null, route("m", List.of(), List.of(), d("a", 1)));
        RouteTable other = table(null, route("m", List.of(), List.of(), d("a", 1)));

        assertThrows(IllegalArgumentException.class, () -> one.begin(other.candidates("m").getFirst()));
    }
}
