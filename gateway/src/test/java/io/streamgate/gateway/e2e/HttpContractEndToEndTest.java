package io.streamgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests that are refused before any stream starts get a 4xx JSON error, and never reach the provider. */
class HttpContractEndToEndTest {

    private static TestUpstream upstream;
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_MAX_BODY_BYTES", "2048",
                "STREAMGATE_CORS_ORIGINS", "https://app.example");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static RawHttpClient request(String method, String path, String body, String... headers) throws Exception {
        return RawHttpClient.connect(gateway.port()).send(method, path, body, headers).readHead();
    }

    private static void assertJsonError(RawHttpClient response, int status, String code) throws Exception {
        assertEquals(status, response.status());
        assertEquals("application/json", response.header("content-type"));
        String body = response.readBody();
        String error = Json.raw(body, "error");
        assertNotNull(error, body);
        assertEquals(code, Json.string(error, "code"));
        assertTrue(Json.string(error, "message").length() > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "[]", "\"text\"", "{\"message\":", "{\"message\":\"x\"} trailing", "not json"})
    void malformedJsonIs400(String body) throws Exception {
        try (RawHttpClient r = request("POST", "/api/v1/conversations/c1/stream", body)) {
            assertJsonError(r, 400, "bad_request");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"message\":\"\"}", "{\"message\":\"   \"}", "{\"message\":null}",
        "{\"message\":42}", "{\"message\":\"x\",\"max_tokens\":-1}", "{\"message\":\"x\",\"temperature\":9}",
        "{\"message\":\"x\",\"tools\":\"calculator\"}"})
    void missingEmptyOrMistypedFieldsAre400(String body) throws Exception {
        try (RawHttpClient r = request("POST", "/api/v1/conversations/c1/stream", body)) {
            assertJsonError(r, 400, "bad_request");
        }
    }

    @Test
    void emptyBodyIs400() throws Exception {
        try (RawHttpClient r = request("POST", "/api/v1/conversations/c1/stream", "")) {
            assertJsonError(r, 400, "bad_request");
        }
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String big = "{\"message\":\"" + "x".repeat(4096) + "\"}";
        try (RawHttpClient r = request("POST", "/api/v1/conversations/c1/stream", big)) {
            assertJsonError(r, 413, "payload_too_large");
        }
    }

    @Test
    void unknownPathIs404() throws Exception {
        try (RawHttpClient r = request("GET", "/api/v1/nothing", null)) {
            assertJsonError(r, 404, "not_found");
        }
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        try (RawHttpClient r = request("PUT", "/api/v1/conversations/c1/stream", "{}")) {
            assertEquals("POST, GET, DELETE, OPTIONS", r.header("allow"));
            assertJsonError(r, 405, "method_not_allowed");
        }
        try (RawHttpClient r = request("POST", "/healthz", "{}")) {
            assertJsonError(r, 405, "method_not_allowed");
        }
    }

    @Test
    void nonJsonContentTypeIs415() throws Exception {
        byte[] raw = ("POST /api/v1/conversations/c1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 2\r\n\r\nhi").getBytes(StandardCharsets.US_ASCII);
        try (RawHttpClient r = RawHttpClient.connect(gateway.port()).sendRaw(raw).readHead()) {
            assertJsonError(r, 415, "unsupported_media_type");
        }
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        try (RawHttpClient r = request("GET", "/healthz", null, "X-Big", "y".repeat(20_000))) {
            assertJsonError(r, 431, "headers_too_large");
        }
    }

    @Test
    void corsPreflightGrantsConfiguredOriginsOnly() throws Exception {
        try (RawHttpClient r = request("OPTIONS", "/api/v1/conversations/c1/stream", null,
                "Origin", "https://app.example", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "content-type")) {
            assertEquals(200, r.status());
            assertEquals("https://app.example", r.header("access-control-allow-origin"));
            assertTrue(r.header("access-control-allow-methods").contains("POST"));
        }
        try (RawHttpClient r = request("OPTIONS", "/api/v1/conversations/c1/stream", null,
                "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")) {
            assertEquals(null, r.header("access-control-allow-origin"));
        }
    }

    @Test
    void healthzReportsTheUpstream() throws Exception {
        try (RawHttpClient r = request("GET", "/healthz", null)) {
            assertEquals(200, r.status());
            String body = r.readBody();
            assertEquals("ok", Json.string(body, "status"));
            assertEquals(Boolean.FALSE, Json.bool(body, "simulated"));
        }
    }

    @Test
    void refusedRequestsNeverReachTheProvider() throws Exception {
        int before = upstream.requests().size();
        try (RawHttpClient r = request("POST", "/api/v1/conversations/c1/stream", "{}")) {
            assertEquals(400, r.status());
        }
        assertEquals(before, upstream.requests().size());
    }
}
