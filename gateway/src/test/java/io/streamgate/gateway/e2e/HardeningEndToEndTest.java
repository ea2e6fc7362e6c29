package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Auth, per-tenant limits, slow or idle connections, and request-smuggling shapes. */
class HardeningEndToEndTest extends UpstreamAndGateway {

    private static final String KEYS = "acme:key-acme-1,globex:key-globex-1";
    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";


    private RawHttpClient post(String key) throws Exception {
        return post(key, "c1");
    }

    private RawHttpClient post(String key, String conversation) throws Exception {
        return RawHttpClient.connect(gateway.port())
                .send("POST", "/api/v1/conversations/" + conversation + "/stream", message("hi"),
                        "Authorization", "Bearer " + key)
                .readHead();
    }

    private RawHttpClient get(String key, String path) throws Exception {
        return RawHttpClient.connect(gateway.port()).send("GET", path, null, "Authorization", "Bearer " + key)
                .readHead();
    }

    private static void assertError(RawHttpClient r, int status, String code) throws Exception {
        assertEquals(status, r.status());
        String body = r.readBody();
        assertEquals(code, Json.string(Json.raw(body, "error"), "code"), body);
    }

    @Test
    void missingOrWrongKeyIs401AndAGoodKeyStreams() throws Exception {
        upstream.always(TestUpstream.Reply.sse(DONE));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS);
        try (RawHttpClient r = gateway.stream("c1", message("hi"))) {
            assertEquals("Bearer", r.header("www-authenticate"));
            assertError(r, 401, "unauthorized");
        }
        try (RawHttpClient r = post("key-acme-2")) {
            assertError(r, 401, "unauthorized");
        }
        try (RawHttpClient r = post("key-acme-1")) {
            assertEquals(200, r.status());
            StreamingEndToEndTest.assertContract(r.readAllEvents());
        }
        assertEquals(1, upstream.requests().size(), "refused requests never reach the provider");
        try (RawHttpClient r = RawHttpClient.connect(gateway.port()).send("GET", "/healthz", null).readHead()) {
            assertEquals(200, r.status(), "health checks need no key");
        }
    }

    @Test
    void concurrentStreamsOverTheTenantLimitAre429WithRetryAfter() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS,
                "STREAMGATE_TENANT_MAX_STREAMS", "1");
        var live = upstream.live();
        try (RawHttpClient first = post("key-acme-1")) {
            assertEquals(200, first.status());
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            try (RawHttpClient second = post("key-acme-1")) {
                assertTrue(Long.parseLong(second.header("retry-after")) >= 1);
                assertError(second, 429, "rate_limited");
            }
            try (RawHttpClient other = post("key-globex-1", "g1")) {
                assertEquals(200, other.status(), "another tenant has its own budget");
            }
            stream.send(DONE);
            stream.end();
            StreamingEndToEndTest.assertContract(first.readAllEvents());
        }
    }

    @Test
    void anotherTenantsConversationIs404ForReadsAndStreams() throws Exception {
        upstream.always(TestUpstream.Reply.sse(DONE));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS);
        try (RawHttpClient r = post("key-acme-1", "secret-plans")) {
            StreamingEndToEndTest.assertContract(r.readAllEvents());
        }
        Await.until("acme's answer is stored", () -> {
            try (RawHttpClient r = get("key-acme-1", "/api/v1/conversations/secret-plans")) {
                return r.status() == 200 && r.readBody().contains("\"status\":\"complete\"");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try (RawHttpClient r = get("key-globex-1", "/api/v1/conversations/secret-plans")) {
            assertError(r, 404, "not_found");
        }
        try (RawHttpClient r = post("key-globex-1", "secret-plans")) {
            assertError(r, 404, "not_found");
        }
        assertEquals(1, upstream.requests().size(), "the foreign stream never reached the provider");
    }

    @Test
    void requestsPerMinuteOverTheLimitAre429() throws Exception {
        upstream.always(TestUpstream.Reply.sse(DONE));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS,
                "STREAMGATE_TENANT_REQUESTS_PER_MINUTE", "2");
        for (int i = 0; i < 2; i++) {
            try (RawHttpClient r = post("key-acme-1")) {
                assertEquals(200, r.status());
                r.readAllEvents();
            }
        }
        try (RawHttpClient r = post("key-acme-1")) {
            assertTrue(Long.parseLong(r.header("retry-after")) >= 1);
            assertError(r, 429, "rate_limited");
        }
    }

    @Test
    void slowlorisHeadGets408AndIsClosed() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_HEADER_TIMEOUT_MS", "200");
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.sendRaw("POST /api/v1/conversations/c1/stream HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            r.readHead();
            assertError(r, 408, "request_timeout");
            assertTrue(r.serverClosed());
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_IDLE_TIMEOUT_MS", "200");
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.send("GET", "/healthz", null).readHead();
            r.readBody();
            assertTrue(r.serverClosed(), "the server closes a connection left idle");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        "Content-Length: 5\r\nContent-Length: 6\r\n",
        "Content-Length: 5, 6\r\n",
        "Transfer-Encoding: xchunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
        "Transfer-Encoding : chunked\r\n",
        "Content-Length: -5\r\n",
        "Content-Length: 0x5\r\n"
    })
    void smugglingShapesAre400AndTheConnectionCloses(String framing) throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        String raw = "POST /api/v1/conversations/c1/stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + framing + "\r\n5\r\nhello\r\n0\r\n\r\n";
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.sendRaw(raw.getBytes(StandardCharsets.US_ASCII)).readHead();
            assertError(r, 400, "bad_request");
            assertTrue(r.serverClosed(), "the connection is closed after a framing error");
        }
        assertEquals(0, upstream.requests().size());
    }
}
