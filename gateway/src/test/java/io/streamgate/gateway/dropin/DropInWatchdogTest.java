package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A provider that goes silent ends a drop-in call through the upstream watchdog, over either transport: an HTTP
 * 504 in the client's dialect when nothing came before the limit, the dialect's in-stream error once the stream has
 * started; the provider call is cancelled either way. Without the watchdog these calls would wait for the
 * transport's read timeout (two minutes by default).
 */
@ParameterizedClass
@ValueSource(strings = {"okhttp", "netty"})
class DropInWatchdogTest extends UpstreamAndGateway {

    private static final String OPENAI_BODY =
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANTHROPIC_BODY =
            "{\"model\":\"m\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String OPENAI_CHUNK =
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                    + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n";

    private final String client;

    DropInWatchdogTest(String client) {
        this.client = client;
    }

    /**
     * The upstream speaks {@code kind}; the read timeout is far beyond the test so only the watchdog can end it. The
     * first-token limit is generous so that a loaded machine still gets the request to the provider in time.
     */
    private void startGateway(String kind) {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_UPSTREAM_CLIENT", client,
                "STREAMGATE_UPSTREAM_KIND", kind, "STREAMGATE_MODEL", "m",
                "STREAMGATE_UPSTREAM_READ_TIMEOUT_MS", "600000",
                "STREAMGATE_UPSTREAM_FIRST_TOKEN_TIMEOUT_MS", "2500",
                "STREAMGATE_UPSTREAM_IDLE_TIMEOUT_MS", "400");
    }

    private RawHttpClient post(String path, String body) throws Exception {
        return RawHttpClient.connect(gateway.port()).send("POST", path, body, "Content-Type: application/json");
    }

    @Test
    void silenceBeforeTheFirstEventIsA504InOpenAisDialect() throws Exception {
        CompletableFuture<LiveStream> live = upstream.live();
        startGateway("openai");
        try (RawHttpClient c = post("/v1/chat/completions", OPENAI_BODY)) {
            LiveStream provider = live.get(20, TimeUnit.SECONDS); // headers sent, then nothing

            c.readHead();
            assertEquals(504, c.status());
            String body = c.readBody();
            assertEquals("upstream_timeout", Json.string(Json.raw(body, "error"), "code"), body);
            assertEquals("server_error", Json.string(Json.raw(body, "error"), "type"), body);
            assertTrue(provider.awaitClosed(20), "the silent provider call is cancelled");
        }
    }

    @Test
    void silenceBeforeTheFirstEventIsA504InAnthropicsDialect() throws Exception {
        CompletableFuture<LiveStream> live = upstream.live();
        startGateway("anthropic");
        try (RawHttpClient c = post("/v1/messages", ANTHROPIC_BODY)) {
            LiveStream provider = live.get(20, TimeUnit.SECONDS);

            c.readHead();
            assertEquals(504, c.status());
            String body = c.readBody();
            assertEquals("error", Json.string(body, "type"), body);
            assertEquals("timeout_error", Json.string(Json.raw(body, "error"), "type"), body);
            assertTrue(provider.awaitClosed(20));
        }
    }

    @Test
    void silenceAfterThePassThroughStartedEndsItWithOpenAisErrorEvent() throws Exception {
        CompletableFuture<LiveStream> live = upstream.live();
        startGateway("openai");
        try (RawHttpClient c = post("/v1/chat/completions", OPENAI_BODY)) {
            LiveStream provider = live.get(20, TimeUnit.SECONDS);
            provider.send(OPENAI_CHUNK); // one event, then silence

            c.readHead();
            assertEquals(200, c.status());
            List<SseParser.Event> events = c.readAllEvents();
            String choice = Json.elements(Json.raw(events.getFirst().data(), "choices")).getFirst();
            assertEquals("Hello", Json.string(Json.raw(choice, "delta"), "content"), events.toString());
            String last = events.getLast().data();
            assertEquals("upstream_timeout", Json.string(Json.raw(last, "error"), "code"), last);
            assertTrue(provider.awaitClosed(20));
        }
    }

    @Test
    void silenceAfterATranslatedStreamStartedEndsItWithAnthropicsErrorEvent() throws Exception {
        CompletableFuture<LiveStream> live = upstream.live();
        startGateway("openai"); // an Anthropic client in front of an OpenAI provider: translated
        try (RawHttpClient c = post("/v1/messages", ANTHROPIC_BODY)) {
            LiveStream provider = live.get(20, TimeUnit.SECONDS);
            provider.send(OPENAI_CHUNK);

            c.readHead();
            assertEquals(200, c.status());
            List<SseParser.Event> events = c.readAllEvents();
            assertTrue(events.stream().anyMatch(e -> e.data().contains("\"text\":\"Hello\"")), events.toString());
            SseParser.Event last = events.getLast();
            assertEquals("error", last.type(), events.toString());
            assertEquals("timeout_error", Json.string(Json.raw(last.data(), "error"), "type"), last.data());
            assertTrue(events.stream().noneMatch(e -> "message_stop".equals(e.type())), "never a clean end");
            assertTrue(provider.awaitClosed(20));
        }
    }
}
