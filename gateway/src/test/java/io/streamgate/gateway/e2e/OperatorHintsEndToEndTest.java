package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the gateway tells its operator: the start log names every upstream (kind, host, path) and nothing secret, and
 * a provider that has no chat path at the configured URL is reported as the missing {@code /v1} it nearly always is.
 * slf4j-simple looks up {@code System.err} on every line, so swapping it captures the log.
 */
class OperatorHintsEndToEndTest extends UpstreamAndGateway {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void captureLog() {
        original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        System.setErr(original);
    }

    private String log() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theStartLogNamesEachUpstreamsKindAndHostButNoCredentials() {
        String withSecrets = "http://operator:PASSWORD-SECRET@127.0.0.1:1/v1?api-key=QUERY-SECRET";
        gateway = GatewayUnderTest.start(withSecrets + ", " + upstream.baseUrl(),
                "STREAMGATE_UPSTREAM_API_KEY", "sk-KEY-SECRET-000000", "STREAMGATE_MODEL", "m1");

        assertTrue(log().contains("upstream: 1 of 2: openai at http://127.0.0.1:1/v1, model m1"), log());
        assertTrue(log().contains("upstream: 2 of 2: openai at " + upstream.baseUrl() + ", model m1"), log());
        for (String secret : List.of("PASSWORD-SECRET", "QUERY-SECRET", "KEY-SECRET", "operator")) {
            assertFalse(log().contains(secret), secret + " is in the log: " + log());
        }
    }

    @Test
    void a404FromTheChatPathSuggestsV1ToTheClientAndNamesTheSettingInTheLog() throws Exception {
        String withoutVersion = upstream.baseUrl().replace("/v1", "");
        upstream.always(new Reply.Status(404, "404 page not found", "Content-Type", "text/plain"));
        gateway = GatewayUnderTest.start(withoutVersion);

        List<SseParser.Event> events;
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            events = client.readAllEvents();
        }

        assertEquals("/chat/completions", upstream.requests().getFirst().uri());
        String error = events.getLast().data();
        assertEquals("error", Json.string(error, "type"));
        assertEquals("bad_request", Json.string(error, "code"));
        assertTrue(Json.string(error, "message").contains("check that the upstream URL includes the API version, "
                + "e.g. /v1"), error);
        Await.until("the warning is logged", () -> log().contains("STREAMGATE_UPSTREAM_URL: openai at "
                + withoutVersion + "/ answered HTTP 404 to its chat path"));
    }
}
