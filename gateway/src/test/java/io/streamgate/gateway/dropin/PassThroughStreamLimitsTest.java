package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import io.streamgate.llm.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pass-through's side reading is bounded by the deployment's configured caps ({@code
 * STREAMGATE_UPSTREAM_MAX_TOOL_CALLS}, {@code _MAX_TOOL_ARGUMENT_BYTES}), not the library's defaults: a relayed
 * stream over them ends with the dialect's error event, as a translated one would. The same streams pass under the
 * defaults.
 */
class PassThroughStreamLimitsTest extends UpstreamAndGateway {

    private static final String OPENAI_BODY =
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}";
    private static final String ANTHROPIC_BODY =
            "{\"model\":\"m\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}";

    private List<SseParser.Event> relay(String fixture, String path, String body, String... settings) throws Exception {
        upstream.script(r -> new Reply.Sse(Fixtures.bytes(fixture), false));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), settings);
        try (RawHttpClient c = RawHttpClient.connect(gateway.port())
                .send("POST", path, body, "Content-Type: application/json").readHead()) {
            assertEquals(200, c.status());
            return c.readAllEvents();
        }
    }

    @Test
    void moreToolCallsThanConfiguredEndAnOpenAiPassThroughWithItsError() throws Exception {
        // the fixture holds two parallel calls
        List<SseParser.Event> events = relay("openai-chat-parallel-tools.sse", "/v1/chat/completions", OPENAI_BODY,
                "STREAMGATE_UPSTREAM_MAX_TOOL_CALLS", "1");

        String last = events.getLast().data();
        assertEquals("upstream_error", Json.string(Json.raw(last, "error"), "code"), last);
        assertTrue(events.stream().noneMatch(e -> "[DONE]".equals(e.data())), "never a clean end");
    }

    @Test
    void underTheDefaultsTheSameOpenAiStreamIsRelayedWhole() throws Exception {
        List<SseParser.Event> events = relay("openai-chat-parallel-tools.sse", "/v1/chat/completions", OPENAI_BODY);

        assertEquals("[DONE]", events.getLast().data());
    }

    @Test
    void argumentsOverTheConfiguredBytesEndAnAnthropicPassThroughWithItsError() throws Exception {
        List<SseParser.Event> events = relay("anthropic-messages-tool-use.sse", "/v1/messages", ANTHROPIC_BODY,
                "STREAMGATE_UPSTREAM_KIND", "anthropic", "STREAMGATE_MODEL", "m",
                "STREAMGATE_UPSTREAM_MAX_TOOL_ARGUMENT_BYTES", "4");

        SseParser.Event last = events.getLast();
        assertEquals("error", last.type(), events.toString());
        assertEquals("api_error", Json.string(Json.raw(last.data(), "error"), "type"), last.data());
        assertTrue(events.stream().noneMatch(e -> "message_stop".equals(e.type())), "never a clean end");
    }

    @Test
    void underTheDefaultsTheSameAnthropicStreamIsRelayedWhole() throws Exception {
        List<SseParser.Event> events = relay("anthropic-messages-tool-use.sse", "/v1/messages", ANTHROPIC_BODY,
                "STREAMGATE_UPSTREAM_KIND", "anthropic", "STREAMGATE_MODEL", "m");

        assertEquals("message_stop", events.getLast().type());
    }
}
