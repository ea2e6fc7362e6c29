package io.streamgate.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutesFileTest {

    private static final Map<String, String> ENV = Map.of("OPENAI_KEY", "sk-openai", "ANTHROPIC_KEY", "sk-ant");

    static final String YAML = """
            # every model name a client may use, and where it goes
            default_model: gpt-4o
            routes:
              - model: gpt-4o
                aliases: [gpt4, default]
                fallback: claude-sonnet
                deployments:
                  - name: openai-main
                    kind: openai
                    url: https://api.openai.com/v1
                    api_key_env: OPENAI_KEY
                    weight: 3
                  - kind: openai
                    url: http://127.0.0.1:8000/v1
                    model: my-vllm-model
              - model: claude-sonnet
                deployments:
                  - kind: anthropic
                    url: https://api.anthropic.com/v1
                    api_key_env: ANTHROPIC_KEY
                    model: claude-sonnet-4-5
              - model: "llama-*"
                fallback: [gpt-4o]
                deployments:
                  - kind: openai
                    url: http://127.0.0.1:11434/v1
            """;

    private static RoutesFile.Routes yaml(String text) {
        return RoutesFile.parse(text, true, ENV::get);
    }

    private static String problem(String text, boolean yaml) {
        return assertThrows(IllegalArgumentException.class, () -> RoutesFile.parse(text, yaml, ENV::get)).getMessage();
    }

    @Test
    void aYamlFileReadsIntoRoutes() {
        RoutesFile.Routes routes = yaml(YAML);

        assertEquals("gpt-4o", routes.defaultModel());
        assertEquals(3, routes.routes().size());
        RouteSpec gpt = routes.routes().getFirst();
        assertEquals(List.of("gpt4", "default"), gpt.aliases());
        assertEquals(List.of("claude-sonnet"), gpt.fallbacks());
        assertFalse(gpt.ordered());
        DeploymentSpec main = gpt.deployments().getFirst();
        assertEquals(new DeploymentSpec("openai-main", Dialect.OPENAI, "https://api.openai.com/v1", "sk-openai",
                null, 3), main);
        DeploymentSpec vllm = gpt.deployments().get(1);
        assertEquals("gpt-4o/2", vllm.name(), "an unnamed deployment is named after its route and place");
        assertNull(vllm.apiKey());
        assertEquals("my-vllm-model", vllm.model());
        assertEquals(1, vllm.weight());
        DeploymentSpec claude = routes.routes().get(1).deployments().getFirst();
        assertEquals(Dialect.ANTHROPIC, claude.dialect());
        assertEquals("sk-ant", claude.apiKey());
        assertEquals(List.of("gpt-4o"), routes.routes().get(2).fallbacks(), "a fallback may be a list");
        assertTrue(routes.routes().get(2).isGlob());
        assertFalse(main.toString().contains("sk-openai"), "the key stays out of logs");
    }

    @Test
    void theSameInJson() {
        String json = """
                {"routes": [{"model": "gpt-4o", "aliases": ["gpt4"],
                  "deployments": [{"kind": "openai", "url": "https://api.openai.com/v1", "api_key_env": "OPENAI_KEY"}]}]}
                """;
        RoutesFile.Routes routes = RoutesFile.parse(json, false, ENV::get);

        assertEquals("gpt-4o", routes.defaultModel(), "without default_model: the first exact route");
        assertEquals("sk-openai", routes.routes().getFirst().deployments().getFirst().apiKey());
        assertTrue(RoutesFile.isYaml("routes.yaml"));
        assertTrue(RoutesFile.isYaml("routes.yml"));
        assertFalse(RoutesFile.isYaml("ROUTES.JSON"));
    }

    @Test
    void theExampleBuildsATable() {
        RoutesFile.Routes routes = yaml(YAML);
        RouteTable table = RouteTable.build(routes.routes(), routes.defaultModel(),
                spec -> new AdapterFactory.Adapter(new io.streamgate.llm.LlmProvider() {
                    @Override
                    public String name() {
                        return spec.name();
                    }

                    @Override
                    public io.streamgate.llm.UpstreamCall stream(
                            io.streamgate.llm.ChatRequest request, io.streamgate.llm.TokenSink sink) {
                        throw new AssertionError("not called");
                    }
                }, (body, headers) -> {
                    throw new AssertionError("not called");
                }), RouteTable.Settings.of(io.streamgate.llm.resilience.RetryPolicy.defaults(), 5,
                        java.time.Duration.ofSeconds(30)));

        assertEquals(List.of("gpt-4o", "gpt4", "default", "claude-sonnet"), table.models());
        assertEquals("gpt-4o", table.candidates("gpt4").stream().filter(d -> d.name().equals("openai-main"))
                .findFirst().orElseThrow().upstreamModel(), "the route's own name");
        assertEquals("claude-sonnet-4-5", table.candidates("llama-3").get(3).upstreamModel(),
                "llama -> its server, then gpt-4o's two, then gpt-4o's fallback");
        assertNull(table.candidates("llama-3").getFirst().upstreamModel(), "a glob sends the client's own name");
        assertEquals("llama-*", table.label("llama-3"));
    }

    @Test
    void eachProblemIsOneLineNamingWhereItIs() {
        String one = """
                routes:
                  - model: m
                    deployments:
                      - kind: %s
                        url: %s
                        %s
                """;
        assertEquals("route 'm'.deployments[0].kind: unknown kind 'gemini'; expected openai or anthropic",
                problem(one.formatted("gemini", "http://x/v1", ""), true));
        assertEquals("route 'm'.deployments[0].url: not an http(s) URL",
                problem(one.formatted("openai", "ftp://x/v1", ""), true));
        assertEquals("route 'm'.deployments[0].url: credentials in the URL; use api_key_env",
                problem(one.formatted("openai", "http://user:secret@x/v1", ""), true));
        assertEquals("route 'm'.deployments[0].api_key_env: the environment variable MISSING_KEY is not set",
                problem(one.formatted("openai", "http://x/v1", "api_key_env: MISSING_KEY"), true));
        assertEquals("route 'm'.deployments[0].api_key_env: not an environment variable name",
                problem(one.formatted("openai", "http://x/v1", "api_key_env: \"$(rm -rf /)\""), true));
        assertEquals("route 'm'.deployments[0]: unknown field 'api_key'; expected api_key_env, kind, model, name, "
                + "url, weight", problem(one.formatted("openai", "http://x/v1", "api_key: sk-inline"), true));
        assertEquals("route 'm'.deployments[0].weight: an integer from 1 to 1000",
                problem(one.formatted("openai", "http://x/v1", "weight: 0"), true));
        assertEquals("route 'm'.deployments[0].weight: an integer from 1 to 1000",
                problem(one.formatted("openai", "http://x/v1", "weight: 99999999999999999999"), true));
        assertEquals("route 'm'.deployments[0].weight: an integer from 1 to 1000",
                problem(one.formatted("openai", "http://x/v1", "weight: \"3\""), true));
        assertEquals("route 'm'.deployments[0].name: 1-128 characters of A-Z a-z 0-9 _ . : / * ? -",
                problem(one.formatted("openai", "http://x/v1", "name: \"a b\""), true));
    }

    @Test
    void theShapeIsChecked() {
        assertEquals("the file is empty", problem("", true));
        assertEquals("the file: expected an object", problem("[1, 2]", false));
        assertEquals("the file: expected an object", problem("just a string", true));
        assertEquals("routes: expected a list", problem("routes: {}", true));
        assertEquals("routes: at least one route is needed", problem("routes: []", true));
        assertEquals("the file: unknown field 'route'; expected default_model, routes", problem("route: []", true));
        assertEquals("routes[0].model: expected a non-empty string",
                problem("routes: [{deployments: [{kind: openai, url: 'http://x/v1'}]}]", true));
        assertEquals("route 'm'.deployments: 1 to 100 deployments", problem("routes: [{model: m, deployments: []}]",
                true));
        assertEquals("routes[0].model: a model name is 1-256 printable characters without spaces",
                problem("routes: [{model: \"a\\u0000b\", deployments: [{kind: openai, url: 'http://x/v1'}]}]", true));
        assertEquals("route 'm*': a glob route cannot have aliases",
                problem("routes: [{model: 'm*', aliases: [x], deployments: [{kind: openai, url: 'http://x/v1'}]}]",
                        true));
        assertTrue(problem("routes: [{model: 'c*', deployments: [{kind: anthropic, url: 'http://x/v1'}]}]", true)
                .contains("an anthropic deployment of a glob route needs a model"));
        assertEquals("default_model: every route is a glob, so a request without a model has no route; name one "
                + "with default_model", problem("routes: [{model: '*', deployments: [{kind: openai, url: "
                + "'http://x/v1'}]}]", true));
        assertEquals("route 'b'.deployments[0]: the deployment name 'x' is used twice",
                problem("routes: [{model: a, deployments: [{name: x, kind: openai, url: 'http://x/v1'}]},"
                        + " {model: b, deployments: [{name: x, kind: openai, url: 'http://y/v1'}]}]", true));
    }

    @Test
    void hostileDocumentsAreRefusedWithoutEchoingThem() {
        String duplicate = problem("{\"routes\": [], \"routes\": []}", false);
        assertTrue(duplicate.startsWith("the field 'routes' appears twice"), duplicate);

        String broken = problem("{\"routes\": [", false);
        assertTrue(broken.startsWith("not valid JSON (line 1): "), broken);
        assertFalse(broken.contains("\n"));

        String deep = problem("a: ".repeat(0) + "[".repeat(100) + "]".repeat(100), false);
        assertTrue(deep.startsWith("not valid JSON"), deep);

        String tabs = problem("routes:\n\t- model: m", true);
        assertTrue(tabs.startsWith("not valid YAML (line "), tabs);
        assertFalse(tabs.contains("\n"), tabs);

        String big = problem("# " + "x".repeat(RoutesFile.MAX_FILE_BYTES) + "\nroutes: []", true);
        assertEquals("the file is larger than 1048576 bytes", big);

        // A billion laughs: the aliases are not expanded, so nothing grows; it fails the schema instead.
        String laughs = """
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                routes: [*e]
                """;
        String refused = problem(laughs, true);
        assertTrue(refused.contains("unknown field") || refused.contains("not valid YAML"), refused);

        String secretUrl = problem("routes: [{model: m, deployments: [{kind: openai, url: 'sk-live-secret'}]}]",
                true);
        assertFalse(secretUrl.contains("sk-live-secret"), "a bad URL is not echoed: it may be a key");
    }

    @Test
    void textInAnyEncodingIsReadAsBytes() {
        byte[] bytes = YAML.getBytes(StandardCharsets.UTF_8);
        assertEquals(3, RoutesFile.parse(bytes, true, ENV::get).routes().size());
    }
}
