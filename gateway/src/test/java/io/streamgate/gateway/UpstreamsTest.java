package io.streamgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.routing.Deployment;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.gateway.routing.ModelRouter;
import io.streamgate.llm.StreamingPost;
import io.streamgate.llm.UpstreamTransport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one-route default that the single-upstream settings make. */
class UpstreamsTest {

    /** Building adapters starts nothing, so no transport is ever asked to send. */
    private static final UpstreamTransport UNUSED = (post, sink, parser) -> {
        throw new AssertionError("nothing is sent in these tests");
    };

    private static ModelRouter router(String... settings) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i + 1 < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        GatewayConfig config = GatewayConfig.from(env);
        return Upstreams.create(config, UNUSED, config.upstreamUrl(), false).router();
    }

    @Test
    void everyModelGoesToTheChainInOrder() {
        ModelRouter router = router("STREAMGATE_UPSTREAM_URL", "http://a.example/v1, http://b.example/v1");

        for (String model : new String[] {null, "gpt-4o", "anything-at-all"}) {
            List<Deployment> candidates = router.candidates(model);
            assertEquals(2, candidates.size(), "model " + model);
            assertEquals("openai", candidates.get(0).name());
            assertEquals("http://a.example/v1/chat/completions",
                    candidates.get(0).passThrough(new byte[0], Map.of()).url().toString());
            assertEquals("http://b.example/v1/chat/completions",
                    candidates.get(1).passThrough(new byte[0], Map.of()).url().toString());
        }
        assertEquals("default", router.label("whatever"), "one bounded label, whatever the client sends");
        assertEquals(List.of(), router.models(), "no model is named");
    }

    @Test
    void theChainStaysInOrderUnderLoad() {
        ModelRouter router = router("STREAMGATE_UPSTREAM_URL", "http://a.example/v1,http://b.example/v1");
        Deployment first = router.candidates(null).getFirst();
        ModelRouter.Lease lease = router.begin(first);

        assertEquals(first, router.candidates(null).getFirst(), "a priority chain, not a balanced one");
        lease.close();
    }

    @Test
    void anOpenAiPassThroughCarriesTheGatewaysKeyAndModel() {
        ModelRouter router = router("STREAMGATE_UPSTREAM_URL", "https://api.example/v1",
                "STREAMGATE_UPSTREAM_API_KEY", "sk-gateway", "STREAMGATE_MODEL", "gpt-4o");
        Deployment d = router.candidates("gpt-4o").getFirst();
        byte[] body = "{\"stream\":true}".getBytes(StandardCharsets.UTF_8);

        StreamingPost post = d.passThrough(body, Map.of("authorization", "Bearer client-key", "x-extra", "1"));

        assertEquals(Dialect.OPENAI, d.dialect());
        assertNull(d.upstreamModel(), "the client's model goes as it is");
        assertEquals("https://api.example/v1/chat/completions", post.url().toString());
        assertEquals(Map.of("Authorization", "Bearer sk-gateway", "x-extra", "1"), post.headers(),
                "the client's credentials never reach the provider");
        assertTrue(java.util.Arrays.equals(body, post.body()));
        assertEquals(List.of("gpt-4o"), router.models());
        assertEquals("gpt-4o", router.label("something-else"));
    }

    @Test
    void anAnthropicPassThroughCarriesTheKeyAndTheClientsVersion() {
        ModelRouter router = router("STREAMGATE_UPSTREAM_URL", "https://api.anthropic.example/v1",
                "STREAMGATE_UPSTREAM_KIND", "anthropic", "STREAMGATE_UPSTREAM_API_KEY", "sk-ant",
                "STREAMGATE_MODEL", "claude-x");
        Deployment d = router.candidates(null).getFirst();

        StreamingPost own = d.passThrough(new byte[0], Map.of());
        StreamingPost versioned = d.passThrough(new byte[0],
                Map.of("anthropic-version", "2099-01-01", "anthropic-beta", "b1", "X-Api-Key", "client-key"));

        assertEquals(Dialect.ANTHROPIC, d.dialect());
        assertEquals("https://api.anthropic.example/v1/messages", own.url().toString());
        assertEquals("sk-ant", own.headers().get("x-api-key"));
        assertEquals("2023-06-01", own.headers().get("anthropic-version"));
        assertEquals("2099-01-01", versioned.headers().get("anthropic-version"));
        assertEquals("b1", versioned.headers().get("anthropic-beta"));
        assertEquals("sk-ant", versioned.headers().get("x-api-key"));
        assertFalse(versioned.headers().containsKey("X-Api-Key"));
        assertNull(versioned.headers().get("Authorization"));
    }

    @Test
    void theRequestsModelWinsOverTheDefaultModelWhichFillsInForNone() {
        List<String> sent = new java.util.ArrayList<>();
        UpstreamTransport capturing = (post, sink, parser) -> {
            sent.add(new String(post.body(), StandardCharsets.UTF_8));
            return () -> {};
        };
        GatewayConfig config = GatewayConfig.from(Map.of(
                "STREAMGATE_UPSTREAM_URL", "http://a.example/v1", "STREAMGATE_MODEL", "gpt-4o"));
        ModelRouter router = Upstreams.create(config, capturing, config.upstreamUrl(), false).router();
        var sink = new io.streamgate.llm.TokenRing(4, () -> {});
        var hi = List.of(io.streamgate.llm.ChatMessage.user("hi"));

        router.provider(router.candidates("gpt-4o-mini"))
                .stream(new io.streamgate.llm.ChatRequest("gpt-4o-mini", hi, null, null), sink);
        router.provider(router.candidates(null)).stream(new io.streamgate.llm.ChatRequest(null, hi, null, null), sink);

        assertTrue(sent.get(0).contains("\"model\":\"gpt-4o-mini\""), sent.get(0));
        assertTrue(sent.get(1).contains("\"model\":\"gpt-4o\""), sent.get(1));
    }

    @Test
    void theSimulatorIsOneDeploymentNamedAsSuch() {
        GatewayConfig config = GatewayConfig.defaults();
        ModelRouter router = Upstreams.create(config, UNUSED, "http://127.0.0.1:1/v1", true).router();

        assertEquals("simulator", router.candidates("anything").getFirst().name());
        assertEquals(List.of(Upstreams.SIMULATOR_MODEL), router.models());
    }
}
