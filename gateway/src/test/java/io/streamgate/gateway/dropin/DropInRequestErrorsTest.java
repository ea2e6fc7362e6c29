package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The answers given before a drop-in request reaches its endpoint, the body limit's 413 and an undecodable body's
 * 400, are in the client's dialect, so its SDK raises its own error types with the message; the conversation API
 * keeps the gateway's own error body. The provider never hears of these requests.
 */
class DropInRequestErrorsTest extends UpstreamAndGateway {

    private static final int LIMIT = 2048;

    @BeforeEach
    void start() {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_MAX_BODY_BYTES", String.valueOf(LIMIT),
                "STREAMGATE_MODEL", "m");
    }

    private static String head(String path, String... headers) {
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private RawHttpClient send(String raw) throws Exception {
        return RawHttpClient.connect(gateway.port()).sendRaw(raw.getBytes(StandardCharsets.US_ASCII)).readHead();
    }

    private static String bigBody() {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(2 * LIMIT) + "\"}]}";
    }

    /** OpenAI's {@code {"error":{"message","type","param","code"}}}; returns the error object. */
    private static String assertOpenAiError(RawHttpClient r, int status, String type, String code) throws Exception {
        assertEquals(status, r.status());
        String body = r.readBody();
        String error = Json.raw(body, "error");
        assertEquals(type, Json.string(error, "type"), body);
        assertEquals(code, Json.string(error, "code"), body);
        assertTrue(Json.string(error, "message").length() > 0, body);
        return error;
    }

    /** Anthropic's {@code {"type":"error","error":{"type","message"}}}. */
    private static void assertAnthropicError(RawHttpClient r, int status, String type) throws Exception {
        assertEquals(status, r.status());
        String body = r.readBody();
        assertEquals("error", Json.string(body, "type"), body);
        assertEquals(type, Json.string(Json.raw(body, "error"), "type"), body);
        assertTrue(Json.string(Json.raw(body, "error"), "message").length() > 0, body);
    }

    @Test
    void anOversizedOpenAiBodyIsA413InOpenAisDialect() throws Exception {
        // The head alone: the announced length decides, and a body sent after the close would reset the connection.
        try (RawHttpClient r = send(head("/v1/chat/completions", "Content-Length: " + bigBody().length()))) {
            String error = assertOpenAiError(r, 413, "invalid_request_error", "request_too_large");
            assertTrue(Json.string(error, "message").contains(String.valueOf(LIMIT)), error);
            assertTrue(r.serverClosed(), "the rest of the body is never read");
        }
        assertEquals(0, upstream.requests().size());
    }

    @Test
    void anOversizedAnthropicBodyIsA413InAnthropicsDialectAlsoChunkedOrAnnounced() throws Exception {
        String body = bigBody();
        try (RawHttpClient r = send(head("/v1/messages", "Content-Length: " + body.length(),
                "anthropic-version: 2023-06-01"))) {
            assertAnthropicError(r, 413, "request_too_large");
            assertTrue(r.serverClosed());
        }
        String chunk = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n"; // read whole, past the limit
        try (RawHttpClient r = send(head("/v1/messages", "Transfer-Encoding: chunked") + chunk)) {
            assertAnthropicError(r, 413, "request_too_large");
        }
        try (RawHttpClient r = send(head("/v1/messages", "Content-Length: " + body.length(),
                "Expect: 100-continue"))) {
            assertAnthropicError(r, 413, "request_too_large"); // and no 100 Continue before it
            assertTrue(r.serverClosed());
        }
        assertEquals(0, upstream.requests().size());
    }

    @Test
    void anUndecodableBodyIsA400InTheClientsDialect() throws Exception {
        String badChunk = "zz\r\nhello\r\n0\r\n\r\n"; // a chunk size that is not hexadecimal
        try (RawHttpClient r = send(head("/v1/chat/completions", "Transfer-Encoding: chunked") + badChunk)) {
            assertOpenAiError(r, 400, "invalid_request_error", null);
            assertTrue(r.serverClosed());
        }
        try (RawHttpClient r = send(head("/v1/messages", "Transfer-Encoding: chunked") + badChunk)) {
            assertAnthropicError(r, 400, "invalid_request_error");
            assertTrue(r.serverClosed());
        }
        assertEquals(0, upstream.requests().size());
    }

    @Test
    void theConversationApiKeepsTheGatewaysOwnErrors() throws Exception {
        String body = "{\"message\":\"" + "x".repeat(2 * LIMIT) + "\"}";
        try (RawHttpClient r = send(head("/api/v1/conversations/c1/stream", "Content-Length: " + body.length()) + body)) {
            assertEquals(413, r.status());
            String text = r.readBody();
            assertEquals("payload_too_large", Json.string(Json.raw(text, "error"), "code"), text);
        }
        try (RawHttpClient r = send(head("/api/v1/conversations/c1/stream", "Transfer-Encoding: chunked")
                + "zz\r\nhello\r\n0\r\n\r\n")) {
            assertEquals(400, r.status());
            String text = r.readBody();
            assertEquals("bad_request", Json.string(Json.raw(text, "error"), "code"), text);
        }
    }
}
