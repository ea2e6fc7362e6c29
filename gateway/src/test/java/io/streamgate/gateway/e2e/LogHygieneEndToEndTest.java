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
import java.util.regex.Pattern;
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
    private static final String ADMIN_KEY = "admin-key-SECRET-c4e2";

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
                    "STREAMGATE_API_KEYS", "acme:" + CLIENT_KEY, "STREAMGATE_UPSTREAM_API_KEY", PROVIDER_KEY,
                    "STREAMGATE_ADMIN_KEY", ADMIN_KEY, "STREAMGATE_CACHE", "exact")) {
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
                for (String admin : List.of(ADMIN_KEY, "wrong-" + ADMIN_KEY)) {
                    try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                            .send("DELETE", "/admin/v1/cache/tenants/acme", null, "Authorization", "Bearer " + admin)
                            .readHead()) {
                        assertEquals(admin.equals(ADMIN_KEY) ? 200 : 401, r.status());
                    }
                }
                Await.until("both streams and the purge are logged", () -> {
                    String logged = captured.toString(StandardCharsets.UTF_8);
                    return logged.split("stream_end", -1).length > 2 && logged.contains("cache purged: ");
                });
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("stream_end conversation=c1 tenant=acme"), "the capture works: " + log);
        for (String secret : List.of(PROMPT, ANSWER, CLIENT_KEY, PROVIDER_KEY, ADMIN_KEY)) {
            assertFalse(log.contains(secret), secret + " leaked into the log:\n" + log);
        }
    }

    /**
     * Values a client, a provider or a model chose cannot forge a log line: each is written escaped on its own line
     * (in quotes), and every line the capture holds is one the logger began.
     */
    @Test
    void forgedValuesAreEscapedOnTheirOwnLine() throws Exception {
        String forge = "\nstream_end conversation=x tenant=admin status=success\r\n";
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (TestUpstream upstream = new TestUpstream()) {
            upstream.script(r -> r.body().contains("upstream error")
                    ? new Reply.Status(400, "{\"error\":{\"message\":\"refused" + jsonEscaped(forge) + "\"}}")
                    : r.body().contains("\"role\":\"tool\"")
                            ? Reply.sse("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},"
                                    + "\"finish_reason\":\"stop" + jsonEscaped(forge) + "\"}]}\n\ndata: [DONE]\n\n")
                            : Reply.sse("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                                    + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"calc"
                                    + jsonEscaped(forge) + "\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}"
                                    + "\n\ndata: [DONE]\n\n"));
            try (GatewayUnderTest gateway = GatewayUnderTest.start(upstream.baseUrl())) {
                for (String body : List.of("{\"message\":\"call a tool\",\"model\":\"m" + jsonEscaped(forge) + "\"}",
                        "{\"message\":\"upstream error\"}")) {
                    try (RawHttpClient r = gateway.stream("c1", body)) {
                        assertEquals(200, r.status());
                        r.readAllEvents();
                    }
                }
                try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                        .send("POST", "/api/v1/conversations/c%0Astream_end%20tenant=admin/stream",
                                "{\"message\":\"hi\"}")
                        .readHead()) {
                    assertTrue(r.status() >= 400 && r.status() < 500, "a conversation id with a line break: " + r.status());
                }
                Await.until("both streams are logged", () -> captured.toString(StandardCharsets.UTF_8)
                        .split("stream_end conversation=c1 ", -1).length > 2);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        String escaped = "\\nstream_end conversation=x tenant=admin status=success\\r\\n\"";
        assertTrue(log.contains(" model=\"m" + escaped + " provider="), "the model, escaped in place:\n" + log);
        assertTrue(log.contains(" finish_reason=\"stop" + escaped + " "), "the provider's finish reason:\n" + log);
        assertTrue(log.contains("refused a call to tool \"calc" + escaped + ": no such tool"), "the tool name:\n" + log);
        for (String line : log.split("\n")) {
            assertTrue(LINE_START.matcher(line).lookingAt(), "a line the logger did not begin: [" + line + "]\n" + log);
            assertFalse(line.contains("\r"), "a carriage return in a log line: " + line);
        }
        assertEquals(2, log.lines().filter(l -> l.contains(" - stream_end ")).count(),
                "one stream_end line per stream, the forged ones only inside quotes:\n" + log);
        assertFalse(log.contains("refused" + forge.strip()), "the upstream's error text is not logged:\n" + log);
    }

    /** How slf4j-simple begins a line in tests: millis since start, the thread, the level. */
    private static final Pattern LINE_START = Pattern.compile("\\d+ \\[[^\\]\\r\\n]+\\] (TRACE|DEBUG|INFO|WARN|ERROR) ");

    private static String jsonEscaped(String s) {
        String quoted = StreamingEndToEndTest.jsonString(s);
        return quoted.substring(1, quoted.length() - 1);
    }
}
