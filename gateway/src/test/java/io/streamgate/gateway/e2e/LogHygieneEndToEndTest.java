package io.streamgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * At the default log level no prompt text, answer text or key reaches the log, whatever happens: a good stream, a
 * refused key, an upstream error that quotes the request. slf4j-simple looks up {@code System.err} on every line,
 * so swapping it captures everything the gateway logs.
 */
class LogHygieneEndToEndTest {

    private static final String PROMPT = "PROMPT-SECRET-7f3a";
    private static final String ANSWER = "ANSWER-SECRET-91bc";
    private static final String CLIENT_KEY = "client-key-SECRET-55d0";
    private static final String PROVIDER_KEY = "sk-providerSECRET0000000000";

    @Test
    void neitherTextNorKeysAreLogged() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (TestUpstream upstream = new TestUpstream()) {
            upstream.script(r -> r.body().contains("error please")
                    ? new Reply.Status(400, "{\"error\":{\"message\":\"bad input: " + PROMPT + " with " + PROVIDER_KEY
                            + "\"}}")
                    : Reply.sse("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + ANSWER
                            + "\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"));
            try (GatewayUnderTest gateway = GatewayUnderTest.start(upstream.baseUrl(),
                    "STREAMGATE_API_KEYS", "acme:" + CLIENT_KEY, "STREAMGATE_UPSTREAM_API_KEY", PROVIDER_KEY)) {
                for (String body : List.of("{\"message\":\"" + PROMPT + "\"}",
                        "{\"message\":\"error please " + PROMPT + "\"}")) {
                    try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                            .send("POST", "/api/v1/conversations/c1/stream", body, "Authorization", "Bearer " + CLIENT_KEY)
                            .readHead()) {
                        assertEquals(200, r.status());
                        r.readAllEvents();
                    }
                }
                try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                        .send("POST", "/api/v1/conversations/c1/stream", "{\"message\":\"" + PROMPT + "\"}",
                                "Authorization", "Bearer wrong-" + CLIENT_KEY)
                        .readHead()) {
                    assertEquals(401, r.status());
                }
                Await.until("both streams are logged", () -> captured.toString(StandardCharsets.UTF_8)
                        .split("stream_end", -1).length > 2);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("stream_end conversation=c1 tenant=acme"), "the capture works: " + log);
        for (String secret : List.of(PROMPT, ANSWER, CLIENT_KEY, PROVIDER_KEY)) {
            assertFalse(log.contains(secret), secret + " leaked into the log:\n" + log);
        }
    }
}
