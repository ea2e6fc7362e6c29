package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way the provider can fail ends the client's stream with exactly one {@code error} event. */
class UpstreamFailureEndToEndTest extends UpstreamAndGateway {

    private static final String TWO_DELTAS = """
            data: {"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{"content":" there"},"finish_reason":null}]}

            """;


    private List<SseParser.Event> streamAgainst(String upstreamUrl) throws Exception {
        gateway = GatewayUnderTest.start(upstreamUrl);
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            assertEquals(200, client.status(), "the stream starts before the provider answers");
            List<SseParser.Event> events = client.readAllEvents();
            assertTrue(client.bodyEnded(), "the response ends after the error");
            return events;
        }
    }

    /** Asserts the stream ends with exactly one error (and no complete_state) and returns that error. */
    private static String assertEndsWithOneError(List<SseParser.Event> events) {
        List<String> types = events.stream().map(e -> Json.string(e.data(), "type")).toList();
        assertEquals("error", types.getLast(), types.toString());
        assertEquals(1, types.stream().filter("error"::equals).count(), types.toString());
        assertEquals(0, types.stream().filter("complete_state"::equals).count(), types.toString());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(String.valueOf(i), events.get(i).id());
        }
        return events.getLast().data();
    }

    @Test
    void connectionRefused() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String error = assertEndsWithOneError(streamAgainst("http://127.0.0.1:" + closedPort + "/v1"));
        assertEquals("upstream_unavailable", Json.string(error, "code"));
        assertEquals(Boolean.TRUE, Json.bool(error, "retryable"));
    }

    @ParameterizedTest
    @CsvSource({
        "500, upstream_unavailable, true",
        "503, overloaded, true",
        "429, rate_limited, true",
        "400, bad_request, false",
        "401, upstream_error, false"
    })
    void nonSuccessStatus(int status, String code, boolean retryable) throws Exception {
        upstream.always(new Reply.Status(status, "{\"error\":{\"message\":\"nope\",\"type\":\"x\"}}"));
        String error = assertEndsWithOneError(streamAgainst(upstream.baseUrl()));
        assertEquals(code, Json.string(error, "code"));
        assertEquals(retryable, Json.bool(error, "retryable"));
    }

    @Test
    void bodyCutBeforeDoneKeepsTheTextAndEndsWithARetryableError() throws Exception {
        upstream.always(new Reply.Cut(TWO_DELTAS.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        List<SseParser.Event> events = streamAgainst(upstream.baseUrl());
        String error = assertEndsWithOneError(events);
        assertEquals("upstream_error", Json.string(error, "code"));
        assertEquals(Boolean.TRUE, Json.bool(error, "retryable"));
        String delivered = events.stream()
                .filter(e -> "message_chunk".equals(Json.string(e.data(), "type")))
                .map(e -> Json.string(e.data(), "content"))
                .reduce("", String::concat);
        assertEquals("Hello there", delivered, "text received before the cut still reaches the client");
    }

    @Test
    void bodyEndingCleanlyWithoutDoneIsStillAnError() throws Exception {
        upstream.always(Reply.sse(TWO_DELTAS));
        String error = assertEndsWithOneError(streamAgainst(upstream.baseUrl()));
        assertEquals("upstream_error", Json.string(error, "code"));
    }

    @Test
    void inStreamErrorObject() throws Exception {
        upstream.always(Reply.sse(TWO_DELTAS
                + "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n"));
        String error = assertEndsWithOneError(streamAgainst(upstream.baseUrl()));
        assertTrue(Json.string(error, "message").length() > 0);
    }

    @Test
    void malformedJsonInAnEvent() throws Exception {
        upstream.always(Reply.sse(TWO_DELTAS + "data: {\"choices\":[{\"delta\":{\"content\":\"x\"\n\n"));
        String error = assertEndsWithOneError(streamAgainst(upstream.baseUrl()));
        assertEquals("upstream_error", Json.string(error, "code"));
    }
}
