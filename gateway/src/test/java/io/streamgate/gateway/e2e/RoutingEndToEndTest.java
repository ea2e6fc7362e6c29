package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes file end to end: the conversation API's {@code model} picks the deployment. */
class RoutingEndToEndTest {

    private static final String DONE = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private final TestUpstream openai = new TestUpstream();
    private final TestUpstream anthropic = new TestUpstream();
    private GatewayUnderTest gateway;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
        openai.close();
        anthropic.close();
    }

    private Path routes(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private String yaml() {
        return """
                routes:
                  - model: fast
                    aliases: [quick]
                    fallback: careful
                    deployments:
                      - name: openai-fast
                        kind: openai
                        url: %s
                        api_key_env: FAST_KEY
                        model: gpt-4o-mini
                  - model: careful
                    deployments:
                      - name: anthropic-careful
                        kind: anthropic
                        url: %s
                        api_key_env: CAREFUL_KEY
                        model: claude-sonnet-4-5
                  - model: "llama-*"
                    deployments:
                      - name: local
                        kind: openai
                        url: %s
                """.formatted(openai.baseUrl(), anthropic.baseUrl(), openai.baseUrl());
    }

    private GatewayUnderTest start(Path routes) {
        return GatewayUnderTest.start(null, "STREAMGATE_ROUTES_FILE", routes.toString(),
                "FAST_KEY", "sk-fast", "CAREFUL_KEY", "sk-careful");
    }

    private List<SseParser.Event> converse(String id, String model) throws Exception {
        try (RawHttpClient client = gateway.stream(id,
                "{\"message\":\"hello\",\"model\":\"" + model + "\"}")) {
            assertEquals(200, client.status());
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            return events;
        }
    }

    @Test
    void theModelPicksTheDeploymentAndItsKeyAndName() throws Exception {
        openai.always(Reply.sse(DONE));
        anthropic.always(new Reply.Sse(Fixtures.bytes("anthropic-messages-text.sse"), false));
        gateway = start(routes("routes.yaml", yaml()));

        converse("c1", "quick");
        TestUpstream.Request sent = openai.requests().getLast();
        assertEquals("Bearer sk-fast", sent.authorization());
        assertEquals("gpt-4o-mini", Json.string(sent.body(), "model"), "the alias goes out as the deployment's model");

        converse("c2", "careful");
        assertTrue(anthropic.requests().getLast().body().contains("\"model\":\"claude-sonnet-4-5\""));
        assertEquals("Hello there!", Json.string(converse("c3", "careful").getLast().data(), "final_message"));

        converse("c4", "llama-3.1-8b");
        assertEquals("llama-3.1-8b", Json.string(openai.requests().getLast().body(), "model"),
                "a glob route sends the client's own name");
        assertEquals(2, anthropic.requests().size(), "only the careful requests went to anthropic");
    }

    @Test
    void anUnknownModelIs404ModelNotFound() throws Exception {
        gateway = start(routes("routes.yaml", yaml()));

        try (RawHttpClient r = gateway.stream("c1", "{\"message\":\"hi\",\"model\":\"gpt-5\"}")) {
            assertEquals(404, r.status());
            String error = Json.raw(r.readBody(), "error");
            assertEquals("model_not_found", Json.string(error, "code"));
            assertTrue(Json.string(error, "message").contains("gpt-5"));
        }
        assertTrue(openai.requests().isEmpty() && anthropic.requests().isEmpty());
    }

    @Test
    void aRateLimitedModelFallsBackAcrossProvidersAndItsDeploymentCoolsDown() throws Exception {
        openai.always(new Reply.Status(429, "{\"error\":{\"message\":\"slow down\"}}", "Retry-After", "30"));
        anthropic.always(new Reply.Sse(Fixtures.bytes("anthropic-messages-text.sse"), false));
        gateway = start(routes("routes.yaml", yaml()));

        List<SseParser.Event> events = converse("c1", "fast");
        assertEquals("Hello there!", Json.string(events.getLast().data(), "final_message"),
                "openai's 429 went to the anthropic fallback, unseen by the client");
        assertEquals(1, openai.requests().size());

        converse("c2", "fast");
        assertEquals(1, openai.requests().size(), "the cooling deployment is not tried first");
        assertEquals(2, anthropic.requests().size());

        try (RawHttpClient ready = RawHttpClient.connect(gateway.port()).send("GET", "/readyz", null).readHead()) {
            String body = ready.readBody();
            assertEquals(200, ready.status(), body);
            assertEquals("fast", Json.string(body, "model"), "the default model: the first exact route");
            assertEquals("openai-fast", Json.string(body, "upstream"));
            List<String> upstreams = Json.elements(Json.raw(body, "upstreams"));
            assertEquals(3, upstreams.size(), body);
            String fast = upstreams.getFirst();
            assertEquals("openai-fast", Json.string(fast, "name"));
            assertEquals("fast", Json.string(fast, "route"));
            assertTrue(Json.number(fast, "cooling_down_ms") > 20_000, fast);
            assertEquals(429, Json.number(Json.raw(fast, "last_error"), "http_status"));
            assertEquals(0, Json.number(upstreams.get(1), "outstanding"));
            assertEquals("careful", Json.string(upstreams.get(1), "route"));
            assertFalse(body.contains("sk-"), "no key in health reports");
        }
    }

    @Test
    void aBadRoutesFileStopsTheStartWithOneLineNamingTheFileAndTheProblem() throws Exception {
        Path missingKey = routes("missing.yaml", yaml());
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayUnderTest.start(null, "STREAMGATE_ROUTES_FILE", missingKey.toString(), "FAST_KEY", "x"));
        assertEquals("STREAMGATE_ROUTES_FILE " + missingKey + ": route 'careful'.deployments[0].api_key_env: the "
                + "environment variable CAREFUL_KEY is not set", e.getMessage());

        Path cycle = routes("cycle.json", """
                {"routes": [
                  {"model": "a", "fallback": "b", "deployments": [{"kind": "openai", "url": "http://127.0.0.1:1/v1"}]},
                  {"model": "b", "fallback": "a", "deployments": [{"kind": "openai", "url": "http://127.0.0.1:1/v1"}]}]}
                """);
        e = assertThrows(ConfigException.class, () -> start(cycle));
        assertEquals("STREAMGATE_ROUTES_FILE " + cycle + ": fallback cycle: a -> b -> a", e.getMessage());

        Path absent = dir.resolve("absent.yaml");
        e = assertThrows(ConfigException.class, () -> start(absent));
        assertTrue(e.getMessage().startsWith("STREAMGATE_ROUTES_FILE " + absent + ": cannot read the file"),
                e.getMessage());

        Path both = routes("both.yaml", yaml());
        e = assertThrows(ConfigException.class, () -> GatewayUnderTest.start(openai.baseUrl(),
                "STREAMGATE_ROUTES_FILE", both.toString()));
        assertTrue(e.getMessage().startsWith("STREAMGATE_ROUTES_FILE and STREAMGATE_UPSTREAM_URL are both set"));
    }
}
