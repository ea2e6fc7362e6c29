package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import io.streamgate.llm.Fixtures;
import java.util.List;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The caps on what one provider answer may make the gateway hold, set through the settings, over either upstream
 * transport: over one, the stream ends with a non-retryable {@code upstream_error} naming the cap, and the request is
 * not sent again.
 */
@ParameterizedClass
@ValueSource(strings = {"okhttp", "netty"})
class UpstreamCapsEndToEndTest extends UpstreamAndGateway {

    private final String client;

    UpstreamCapsEndToEndTest(String client) {
        this.client = client;
    }

    private List<SseParser.Event> streamOnce(String setting, String value) throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_UPSTREAM_CLIENT", client, setting, value);
        try (RawHttpClient c = gateway.stream("capped", message("weather and stocks?"))) {
            return c.readAllEvents();
        }
    }

    private void assertEndsWith(List<SseParser.Event> events, String message) {
        String last = events.getLast().data();
        assertEquals("error", Json.string(last, "type"), last);
        assertEquals("upstream_error", Json.string(last, "code"));
        assertEquals(Boolean.FALSE, Json.bool(last, "retryable"));
        assertEquals(message, Json.string(last, "message"));
        assertEquals(1, upstream.requests().size(), "not retried");
    }

    @ParameterizedTest
    @CsvSource({
        "STREAMGATE_UPSTREAM_MAX_TOOL_CALLS, 1, upstream sent more than 1 tool calls in one step",
        "STREAMGATE_UPSTREAM_MAX_TOOL_ARGUMENT_BYTES, 8, upstream sent tool call arguments over 8 bytes",
    })
    void toolCallCapsEndTheStream(String setting, String value, String message) throws Exception {
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-parallel-tools.sse"), false));

        List<SseParser.Event> events = streamOnce(setting, value);

        assertEndsWith(events, message);
        assertEquals(List.of(), events.stream().filter(e -> "tool_call".equals(Json.string(e.data(), "type"))).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n"})
    void anEventOverTheCapEndsTheStreamAfterTheEventsBeforeIt(String eol) throws Exception {
        String body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"before\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(2000) + "\"}}]}\n\n"
                + "data: [DONE]\n\n";
        upstream.always(Reply.sse(body.replace("\n", eol)));

        List<SseParser.Event> events = streamOnce("STREAMGATE_UPSTREAM_MAX_EVENT_BYTES", "1024");

        assertEquals("before", Json.string(events.getFirst().data(), "content"));
        assertEndsWith(events, "upstream sent an event over 1024 bytes");
    }
}
