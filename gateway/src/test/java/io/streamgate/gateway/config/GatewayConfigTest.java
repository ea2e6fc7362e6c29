package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void providerConnectionsAreHttp1UnlessHttp2IsAskedFor() {
        GatewayConfig defaults = GatewayConfig.from(Map.of());
        GatewayConfig http2 = GatewayConfig.from(Map.of("STREAMGATE_UPSTREAM_HTTP2", "true"));

        assertFalse(defaults.provider().http2(), "HTTP/1.1 keeps TCP backpressure per stream");
        assertTrue(http2.provider().http2());
        assertEquals(Duration.ofSeconds(5), http2.upstreamConnectTimeout(), "other settings keep their defaults");
    }

    @Test
    void theRequestTimeoutKeepsItsOldNameAndTheNewNameWins() {
        assertEquals(Duration.ofSeconds(10), GatewayConfig.from(Map.of()).requestTimeout());
        assertEquals(Duration.ofMillis(300),
                GatewayConfig.from(Map.of("STREAMGATE_HEADER_TIMEOUT_MS", "300")).requestTimeout());
        assertEquals(Duration.ofMillis(400),
                GatewayConfig.from(Map.of("STREAMGATE_REQUEST_TIMEOUT_MS", "400")).requestTimeout());
        assertEquals(Duration.ofMillis(400), GatewayConfig.from(Map.of(
                "STREAMGATE_REQUEST_TIMEOUT_MS", "400", "STREAMGATE_HEADER_TIMEOUT_MS", "300")).requestTimeout());
        ConfigException bad = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> GatewayConfig.from(Map.of("STREAMGATE_REQUEST_TIMEOUT_MS", "0")));
        assertTrue(bad.getMessage().startsWith("STREAMGATE_REQUEST_TIMEOUT_MS"), bad.getMessage());
    }

    @Test
    void aRoutesFileReplacesTheSimulatorAndTheAnthropicModelRule() {
        GatewayConfig defaults = GatewayConfig.from(Map.of());
        assertEquals(null, defaults.routesFile());
        assertEquals(0, defaults.tenantTokensPerMinute(), "no token limit unless set");
        GatewayConfig routed = GatewayConfig.from(Map.of("STREAMGATE_ROUTES_FILE", "routes.yaml",
                "STREAMGATE_UPSTREAM_KIND", "anthropic", "STREAMGATE_TENANT_TOKENS_PER_MINUTE", "50000",
                "OPENAI_KEY", "sk-x"));
        assertEquals(java.nio.file.Path.of("routes.yaml"), routed.routesFile());
        assertEquals(false, routed.usesSimulator());
        assertEquals(50_000, routed.tenantTokensPerMinute());
        assertEquals("sk-x", routed.environment().apply("OPENAI_KEY"), "the routes file's key variables");
        org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> GatewayConfig.from(Map.of("STREAMGATE_TENANT_TOKENS_PER_MINUTE", "-1")));
    }

    @Test
    void theMetricsBindAddressIsUnsetUnlessGiven() {
        assertEquals(null, GatewayConfig.from(Map.of()).metricsBindAddress(), "unset: the client port's address");
        assertEquals("10.0.0.5",
                GatewayConfig.from(Map.of("STREAMGATE_METRICS_BIND_ADDRESS", " 10.0.0.5 ")).metricsBindAddress());
    }
}
