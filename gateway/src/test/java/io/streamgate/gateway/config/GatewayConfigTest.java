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
    void theMetricsBindAddressIsUnsetUnlessGiven() {
        assertEquals(null, GatewayConfig.from(Map.of()).metricsBindAddress(), "unset: the client port's address");
        assertEquals("10.0.0.5",
                GatewayConfig.from(Map.of("STREAMGATE_METRICS_BIND_ADDRESS", " 10.0.0.5 ")).metricsBindAddress());
    }
}
