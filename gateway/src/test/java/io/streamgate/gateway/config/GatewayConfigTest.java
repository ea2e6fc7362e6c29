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
}
