package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How a request arrives: authenticated on its head before its body is read, {@code Expect: 100-continue}, one
 * deadline for head and body, and nothing carried over between requests on one connection.
 */
class RequestEdgeEndToEndTest extends UpstreamAndGateway {

    private static final String KEYS = "acme:key-acme,globex:key-globex";
    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private static void assertError(RawHttpClient r, int status, String code) throws Exception {
        assertEquals(status, r.status());
        String body = r.readBody();
        assertEquals(code, Json.string(Json.raw(body, "error"), "code"), body);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String streamHead(int contentLength, String... headers) {
        StringBuilder head = new StringBuilder("POST /api/v1/conversations/c1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + contentLength + "\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    @Test
    void anEarlierRequestsKeyIsNotReusedOnTheSameConnection() throws Exception {
        upstream.always(TestUpstream.Reply.sse(DONE));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS);
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.send("POST", "/api/v1/conversations/secret/stream", message("hi"), "Authorization", "Bearer key-acme")
                    .readHead();
            assertEquals(200, r.status());
            StreamingEndToEndTest.assertContract(r.readAllEvents());
            r.send("GET", "/%61pi/v1/conversations/secret", null).readHead();
            assertError(r, 401, "unauthorized");
            r.send("GET", "/api/v1/conversations/secret", null).readHead();
            assertError(r, 401, "unauthorized");
            r.send("POST", "/api/v1/conversations/secret/stream", message("again"), "Authorization", "Bearer nope")
                    .readHead();
            assertError(r, 401, "unauthorized");
        }
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void aClientWithoutAKeyIsRefusedOnTheHeadBeforeItSendsItsBody() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS);
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.sendRaw(ascii(streamHead(1 << 20))).readHead(); // announces 1 MiB, sends none of it
            assertError(r, 401, "unauthorized");
            assertTrue(r.serverClosed(), "the connection closes rather than read the body");
        }
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.sendRaw(ascii(streamHead(1 << 20, "Expect: 100-continue"))).readHead();
            assertError(r, 401, "unauthorized"); // and no 100 Continue before it
            assertTrue(r.serverClosed());
        }
        assertEquals(0, upstream.requests().size());
    }

    @Test
    void expect100ContinueIsAnsweredAndTheStreamOutlivesTheIdleTimeout() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS,
                "STREAMGATE_IDLE_TIMEOUT_MS", "150", "STREAMGATE_PING_INTERVAL_MS", "30");
        var live = upstream.live();
        byte[] body = message("hi").getBytes(StandardCharsets.UTF_8);
        try (RawHttpClient client = RawHttpClient.connect(gateway.port())) {
            client.sendRaw(ascii(streamHead(body.length, "Expect: 100-continue", "Authorization: Bearer key-acme")));
            assertEquals(100, client.readHead().status());
            client.sendRaw(body);
            assertEquals(200, client.readHead().status());
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            // Pings come at least 30 ms apart: ten of them span more than twice the idle timeout.
            assertTrue(client.awaitComments("ping", 10), "the stream is still open after the idle timeout");
            stream.send(DONE);
            stream.end();
            StreamingEndToEndTest.assertContract(client.readAllEvents());
        }
    }

    @Test
    void anyOtherExpectationIs417AndTheConnectionCloses() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.sendRaw(ascii(streamHead(16, "Expect: 200-ok"))).readHead();
            assertError(r, 417, "expectation_failed");
            assertTrue(r.serverClosed());
        }
        assertEquals(0, upstream.requests().size());
    }

    @Test
    void expect100ContinueWithTooLargeABodyIs413WithoutContinue() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_MAX_BODY_BYTES", "2048");
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.sendRaw(ascii(streamHead(4096, "Expect: 100-continue"))).readHead();
            assertError(r, 413, "payload_too_large");
            assertTrue(r.serverClosed());
        }
    }

    @Test
    void aBodyThatStopsArrivingGets408AndTheConnectionCloses() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS,
                "STREAMGATE_REQUEST_TIMEOUT_MS", "200");
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.sendRaw(ascii(streamHead(100, "Authorization: Bearer key-acme") + "{")); // 1 of 100 bytes
            r.readHead(); // blocks until the deadline answers; the socket timeout only guards a hung test
            assertError(r, 408, "request_timeout");
            assertTrue(r.serverClosed());
        }
        assertEquals(0, upstream.requests().size());
    }

    @Test
    void theNewRequestTimeoutNameWinsOverTheOldOne() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_REQUEST_TIMEOUT_MS", "200",
                "STREAMGATE_HEADER_TIMEOUT_MS", "600000");
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())) {
            r.sendRaw(ascii("POST /api/v1/conversations/c1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
            r.readHead();
            assertError(r, 408, "request_timeout");
            assertTrue(r.serverClosed());
        }
    }
}
