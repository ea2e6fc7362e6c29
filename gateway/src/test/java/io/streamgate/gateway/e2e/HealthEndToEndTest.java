package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import io.streamgate.llm.Fixtures;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /healthz} is liveness only; {@code /readyz} reports each upstream and fails when none can serve. */
class HealthEndToEndTest extends UpstreamAndGateway {

    /** One failure opens a breaker, for a minute; no retries, so one stream is one failure. */
    private static final String[] TRIP_AT_ONCE = {
        "STREAMGATE_UPSTREAM_BREAKER_THRESHOLD", "1",
        "STREAMGATE_UPSTREAM_BREAKER_OPEN_MS", "60000",
        "STREAMGATE_UPSTREAM_MAX_ATTEMPTS", "1"
    };

    private record Response(int status, String body) {}

    private Response get(String path) throws Exception {
        try (RawHttpClient r = RawHttpClient.connect(gateway.port()).send("GET", path, null).readHead()) {
            return new Response(r.status(), r.readBody());
        }
    }

    private void streamToTheEnd() throws Exception {
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            client.readAllEvents();
        }
    }

    private static List<String> upstreams(Response readyz) {
        return Json.elements(Json.raw(readyz.body(), "upstreams"));
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void unreachableUpstreamMakesReadyzFailOnceItsBreakerOpensWhileHealthzStaysUp() throws Exception {
        int port = closedPort();
        gateway = GatewayUnderTest.start("http://127.0.0.1:" + port + "/v1", TRIP_AT_ONCE);

        Response before = get("/readyz");
        assertEquals(200, before.status(), before.body());
        assertEquals("ready", Json.string(before.body(), "status"));
        String fresh = upstreams(before).getFirst();
        assertEquals("closed", Json.string(fresh, "breaker"));
        assertNull(Json.raw(fresh, "last_error"));

        Instant start = Instant.now();
        streamToTheEnd();

        Response after = get("/readyz");
        assertEquals(503, after.status(), after.body());
        assertEquals("unavailable", Json.string(after.body(), "status"));
        List<String> list = upstreams(after);
        assertEquals(1, list.size());
        String dead = list.getFirst();
        assertEquals("openai", Json.string(dead, "name"));
        assertEquals("openai", Json.string(dead, "kind"));
        assertEquals("127.0.0.1:" + port, Json.string(dead, "host"));
        assertEquals("open", Json.string(dead, "breaker"));
        assertEquals(1, Json.number(dead, "consecutive_failures"));
        assertTrue(Json.number(dead, "retry_in_ms") > 0);
        String lastError = Json.raw(dead, "last_error");
        assertNotNull(lastError, dead);
        assertEquals("upstream_unavailable", Json.string(lastError, "code"));
        assertTrue(!Json.string(lastError, "message").isBlank());
        assertTrue(!Instant.parse(Json.string(lastError, "at")).isBefore(start.minusSeconds(1)), lastError);

        Response health = get("/healthz");
        assertEquals(200, health.status(), "liveness does not depend on the upstream");
        assertEquals("ok", Json.string(health.body(), "status"));
    }

    @Test
    void oneLiveUpstreamOfTwoKeepsTheGatewayReady() throws Exception {
        int port = closedPort();
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
        gateway = GatewayUnderTest.start("http://127.0.0.1:" + port + "/v1," + upstream.baseUrl(), TRIP_AT_ONCE);
        streamToTheEnd();

        Response readyz = get("/readyz");
        assertEquals(200, readyz.status(), readyz.body());
        List<String> list = upstreams(readyz);
        assertEquals(2, list.size());
        assertEquals("open", Json.string(list.get(0), "breaker"));
        assertEquals("closed", Json.string(list.get(1), "breaker"));
        assertNull(Json.raw(list.get(1), "last_error"));
    }

    @Test
    void theBuiltInSimulatorIsNamedAsSuch() throws Exception {
        gateway = GatewayUnderTest.start(null);
        Response readyz = get("/readyz");
        assertEquals(200, readyz.status(), readyz.body());
        assertEquals(Boolean.TRUE, Json.bool(readyz.body(), "simulated"));
        String sim = upstreams(readyz).getFirst();
        assertEquals("simulator", Json.string(sim, "name"));
        assertEquals("openai", Json.string(sim, "kind"), "it speaks the OpenAI API");
        assertTrue(Json.string(sim, "host").startsWith("127.0.0.1:"), sim);
    }
}
