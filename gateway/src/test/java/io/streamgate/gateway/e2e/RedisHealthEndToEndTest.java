package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.RedisProcess;
import io.streamgate.gateway.testing.SseParser;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A gateway on a shared Redis says whether Redis is usable, and serves streams either way. */
class RedisHealthEndToEndTest {

    private final RedisProcess redis = RedisProcess.start();
    private final GatewayUnderTest gateway = GatewayUnderTest.start(null,
            "STREAMGATE_REDIS_URL", redis.url(), "STREAMGATE_SIM_TOKENS", "5");

    @AfterEach
    void stop() {
        gateway.close();
        redis.close();
    }

    private String readyz() throws Exception {
        try (RawHttpClient r = RawHttpClient.connect(gateway.port()).send("GET", "/readyz", null).readHead()) {
            assertEquals(200, r.status(), "a gateway without Redis is still ready: streams flow");
            return r.readBody();
        }
    }

    private double redisUpGauge() {
        return gateway.gate().metrics().registry().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("streaming_redis_up"))
                .findFirst().orElseThrow()
                .getDataPoints().stream().mapToDouble(p -> ((io.prometheus.metrics.model.snapshots.GaugeSnapshot
                        .GaugeDataPointSnapshot) p).getValue()).sum();
    }

    private void streamsToTheEnd(String conversation) throws Exception {
        try (RawHttpClient client = gateway.stream(conversation, message("hi"))) {
            assertEquals(200, client.status());
            List<SseParser.Event> events = client.readAllEvents();
            assertEquals("complete_state", Json.string(events.getLast().data(), "type"));
        }
    }

    @Test
    void readyzAndTheGaugeFollowRedisDownAndUpWhileStreamsFlow() throws Exception {
        String up = Json.raw(readyz(), "redis");
        assertNotNull(up);
        assertEquals("up", Json.string(up, "state"));
        assertTrue(Json.bool(up, "shared"));
        assertEquals(1.0, redisUpGauge());
        streamsToTheEnd("before");

        redis.stop();
        Await.until("readyz says redis is down", () -> {
            try {
                return "down".equals(Json.string(Json.raw(readyz(), "redis"), "state"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String down = Json.raw(readyz(), "redis");
        assertFalse(Json.bool(down, "shared"));
        assertNotNull(Json.string(down, "reason"));
        assertEquals(0.0, redisUpGauge());
        streamsToTheEnd("while-down");

        redis.startAgain();
        Await.until("readyz says redis is up again", () -> {
            try {
                return "up".equals(Json.string(Json.raw(readyz(), "redis"), "state"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(1.0, redisUpGauge());
        streamsToTheEnd("after");
    }
}
