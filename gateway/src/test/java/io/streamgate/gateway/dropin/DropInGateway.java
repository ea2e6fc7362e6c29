package io.streamgate.gateway.dropin;

import io.streamgate.gateway.simulator.Simulator;
import io.streamgate.gateway.simulator.SimulatorSettings;
import io.streamgate.gateway.testing.FakeRoutes;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.TestUpstream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * What the drop-in tests share: the simulator (both dialects), a scriptable provider, routes to each, and a gateway
 * with a tenant key in front of them. The routes:
 *
 * <ul>
 *   <li>{@code sim-openai}, {@code sim-anthropic}: the simulator in each dialect;
 *   <li>{@code scripted-openai}, {@code scripted-anthropic}: the scriptable provider, with the model name rewritten
 *       to {@code upstream-model}.
 * </ul>
 */
abstract class DropInGateway {

    static final String KEY = "key-for-team-a";

    protected final Simulator simulator =
            Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, 24, 0));
    protected final TestUpstream upstream = new TestUpstream();
    protected final FakeRoutes routes = new FakeRoutes()
            .route("sim-openai", FakeRoutes.openAi("sim-o", simulator.baseUrl(), null))
            .route("sim-anthropic", FakeRoutes.anthropic("sim-a", simulator.baseUrl(), null))
            .route("scripted-openai", FakeRoutes.openAi("up-o", upstream.baseUrl(), "upstream-model"))
            .route("scripted-anthropic", FakeRoutes.anthropic("up-a", upstream.baseUrl(), "upstream-model"));
    protected final GatewayUnderTest gateway = GatewayUnderTest.start(null, routes, settings());

    /** The provider transport the pass-through runs on; called while this is constructed, so it returns a constant. */
    String upstreamClient() {
        return GatewayUnderTest.UPSTREAM_CLIENT;
    }

    /** Settings beyond the tenant key and the transport, as name-value pairs; called while this is constructed. */
    String[] moreSettings() {
        return new String[0];
    }

    private String[] settings() {
        String[] more = moreSettings();
        String[] all = java.util.Arrays.copyOf(new String[] {"STREAMGATE_API_KEYS", "team-a:" + KEY,
                "STREAMGATE_UPSTREAM_CLIENT", upstreamClient()}, 4 + more.length);
        System.arraycopy(more, 0, all, 4, more.length);
        return all;
    }

    /** The gateway's base URL for the OpenAI SDKs (with {@code /v1}). */
    String openAiBaseUrl() {
        return "http://127.0.0.1:" + gateway.port() + "/v1";
    }

    /** The gateway's base URL for the Anthropic SDKs (without {@code /v1}). */
    String anthropicBaseUrl() {
        return "http://127.0.0.1:" + gateway.port();
    }

    /** The value of the first series of {@code name} with all of {@code labels} ({@code name="value"}), or -1. */
    double metric(String name, String... labels) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + gateway.gate().metricsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines()
                .filter(l -> l.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    @AfterEach
    void closeAll() {
        gateway.close();
        upstream.close();
        simulator.close();
    }
}
