package io.streamgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With no API keys the gateway serves loopback only: it listens there, and it answers only requests whose
 * {@code Host} names loopback, so a web page cannot drive it through DNS rebinding. The metrics port listens where
 * {@code STREAMGATE_METRICS_BIND_ADDRESS} says, by default where the client port does; on loopback it too answers only
 * loopback {@code Host}s.
 */
class LoopbackModeEndToEndTest extends UpstreamAndGateway {

    private RawHttpClient get(String path, String host) throws Exception {
        String head = "GET " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n") + "\r\n";
        return RawHttpClient.connect(gateway.port()).sendRaw(head.getBytes(StandardCharsets.US_ASCII)).readHead();
    }

    private static void assertError(RawHttpClient r, int status, String code) throws Exception {
        assertEquals(status, r.status());
        String body = r.readBody();
        assertEquals(code, Json.string(Json.raw(body, "error"), "code"), body);
    }

    @Test
    void aHostThatIsNotLoopbackIs403() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        for (String path : new String[] {"/api/v1/conversations/c1", "/healthz", "/"}) {
            try (RawHttpClient r = get(path, "rebound.attacker.example:" + gateway.port())) {
                assertError(r, 403, "host_not_allowed");
            }
        }
        try (RawHttpClient r = get("/api/v1/conversations/c1", null)) {
            assertError(r, 400, "bad_request"); // HTTP/1.1 without a Host
        }
        for (String host : new String[] {"localhost:" + gateway.port(), "127.0.0.1:" + gateway.port(), "localhost"}) {
            try (RawHttpClient r = get("/healthz", host)) {
                assertEquals(200, r.status(), host);
            }
        }
        assertEquals(0, upstream.requests().size());
    }

    @Test
    void withKeysAnyHostIsServed() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", "acme:key-acme",
                "STREAMGATE_BIND_ADDRESS", "127.0.0.1");
        try (RawHttpClient r = get("/healthz", "gateway.example.com")) {
            assertEquals(200, r.status());
        }
    }

    @Test
    void metricsListenOnTheClientPortsAddressByDefault() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl()); // no keys: loopback
        int port = gateway.gate().metricsPort();
        assertEquals(200, scrape("127.0.0.1", port));
        assertRefused("127.0.0.2", port);
    }

    @Test
    void metricsListenOnTheirOwnBindAddress() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", "acme:key-acme",
                "STREAMGATE_BIND_ADDRESS", "127.0.0.1", "STREAMGATE_METRICS_BIND_ADDRESS", "127.0.0.2");
        int port = gateway.gate().metricsPort();
        assertEquals(200, scrape("127.0.0.2", port));
        assertRefused("127.0.0.1", port);
    }

    @Test
    void metricsOnLoopbackAnswerOnlyLoopbackHosts() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        int port = gateway.gate().metricsPort();
        String scrape = "GET /metrics HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n";
        try (RawHttpClient r = RawHttpClient.connect(port)) {
            r.sendRaw(String.format(scrape, "rebound.attacker.example:" + port).getBytes(StandardCharsets.US_ASCII));
            assertEquals(403, r.readHead().status());
        }
        try (RawHttpClient r = RawHttpClient.connect(port)) {
            r.sendRaw(String.format(scrape, "localhost:" + port).getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, r.readHead().status());
        }
    }

    private static int scrape(String host, int port) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(r.body().contains("streaming_active_connections"), r.body());
            return r.statusCode();
        }
    }

    private static void assertRefused(String host, int port) {
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 5_000);
            }
        }, "nothing listens on " + host + ":" + port);
    }
}
