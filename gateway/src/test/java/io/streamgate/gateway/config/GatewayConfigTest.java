package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.StreamLimits;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    void redisIsOffUnlessAUrlIsGivenAndEachNodeGetsItsOwnId() {
        GatewayConfig defaults = GatewayConfig.from(Map.of());
        assertFalse(defaults.redis().enabled(), "no Redis: every piece of hot state is node-local");
        assertTrue(defaults.redis().nodeId().matches("[A-Za-z0-9.-]+-\\d+-[0-9a-f]{6}"), defaults.redis().nodeId());
        assertNotEquals(defaults.redis().nodeId(), GatewayConfig.from(Map.of()).redis().nodeId());

        GatewayConfig redis = GatewayConfig.from(Map.of("STREAMGATE_REDIS_URL", "rediss://cache:6380",
                "STREAMGATE_NODE_ID", "edge-1", "STREAMGATE_REDIS_TIMEOUT_MS", "50"));
        assertTrue(redis.redis().enabled());
        assertEquals("edge-1", redis.redis().nodeId());
        assertEquals(Duration.ofMillis(50), redis.redis().timeout());
        var bad = assertThrows(ConfigException.class,
                () -> GatewayConfig.from(Map.of("STREAMGATE_NODE_ID", "edge 1\n")));
        assertTrue(bad.getMessage().startsWith("STREAMGATE_NODE_ID"), bad.getMessage());
    }

    @Test
    void theRedisLeaseTtlDefaultsToFiveSecondsAndMustOutlastThreeTimeouts() {
        assertEquals(Duration.ofSeconds(5), GatewayConfig.from(Map.of()).redis().leaseTtl());
        assertEquals(Duration.ofMillis(900), GatewayConfig.from(Map.of("STREAMGATE_REDIS_URL", "redis://cache",
                "STREAMGATE_REDIS_LEASE_MS", "900", "STREAMGATE_REDIS_TIMEOUT_MS", "300")).redis().leaseTtl());
        var tooShort = assertThrows(ConfigException.class, () -> GatewayConfig.from(Map.of(
                "STREAMGATE_REDIS_URL", "redis://cache", "STREAMGATE_REDIS_LEASE_MS", "899",
                "STREAMGATE_REDIS_TIMEOUT_MS", "300")));
        assertTrue(tooShort.getMessage().startsWith("STREAMGATE_REDIS_LEASE_MS"), tooShort.getMessage());
        assertEquals(Duration.ofMillis(100), GatewayConfig.from(Map.of("STREAMGATE_REDIS_LEASE_MS", "100")).redis()
                .leaseTtl(), "without Redis, nothing to check it against");
    }

    @Test
    void theMetricsBindAddressIsUnsetUnlessGiven() {
        assertEquals(null, GatewayConfig.from(Map.of()).metricsBindAddress(), "unset: the client port's address");
        assertEquals("10.0.0.5",
                GatewayConfig.from(Map.of("STREAMGATE_METRICS_BIND_ADDRESS", " 10.0.0.5 ")).metricsBindAddress());
    }

    @Test
    void providerStreamLimitsDefaultToTheLibrarysAndCanBeSet() {
        GatewayConfig.ProviderSettings defaults = GatewayConfig.from(Map.of()).provider();
        assertEquals(1 << 20, defaults.maxEventBytes());
        assertEquals(StreamLimits.DEFAULT_MAX_TOOL_ARGUMENT_BYTES, defaults.maxToolArgumentBytes());
        assertEquals(StreamLimits.DEFAULT_MAX_TOOL_CALLS, defaults.maxToolCalls());

        GatewayConfig.ProviderSettings set = GatewayConfig.from(Map.of(
                "STREAMGATE_UPSTREAM_MAX_EVENT_BYTES", "65536",
                "STREAMGATE_UPSTREAM_MAX_TOOL_ARGUMENT_BYTES", "4096",
                "STREAMGATE_UPSTREAM_MAX_TOOL_CALLS", "4")).provider();
        assertEquals(65536, set.maxEventBytes());
        assertEquals(4096, set.maxToolArgumentBytes());
        assertEquals(4, set.maxToolCalls());
    }

    @ParameterizedTest
    @CsvSource({
        "STREAMGATE_UPSTREAM_MAX_EVENT_BYTES, 100, must be between 1024 and 67108864",
        "STREAMGATE_UPSTREAM_MAX_EVENT_BYTES, 1MiB, must be an integer",
        "STREAMGATE_UPSTREAM_MAX_TOOL_ARGUMENT_BYTES, 0, must be between 1 and 67108864",
        "STREAMGATE_UPSTREAM_MAX_TOOL_CALLS, 0, must be between 1 and 1024",
        "STREAMGATE_UPSTREAM_MAX_TOOL_CALLS, many, must be an integer",
    })
    void aBadStreamLimitStopsTheStartNamingTheSetting(String name, String value, String why) {
        ConfigException bad = assertThrows(ConfigException.class,
                () -> GatewayConfig.from(Map.of(name, value)));
        assertTrue(bad.getMessage().startsWith(name + " " + why), bad.getMessage());
    }
}
