package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code STREAMGATE_UPSTREAM_CLIENT=netty}: the gateway reads its provider on its own event loops. */
class NettyUpstreamEndToEndTest {

    private final TestUpstream upstream = new TestUpstream();

    @AfterEach
    void stop() {
        upstream.close();
    }

    private GatewayUnderTest gateway(String upstreamUrl, String... settings) {
        String[] all = new String[settings.length + 2];
        all[0] = "STREAMGATE_UPSTREAM_CLIENT";
        all[1] = "netty";
        System.arraycopy(settings, 0, all, 2, settings.length);
        return GatewayUnderTest.start(upstreamUrl, all);
    }

    @Test
    void recordedStreamsArriveAsTheEventContractAlsoSplitIntoSingleBytes() throws Exception {
        try (GatewayUnderTest gateway = gateway(upstream.baseUrl())) {
            for (boolean bytewise : new boolean[] {false, true}) {
                upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), bytewise));
                try (RawHttpClient client = gateway.stream("c-" + bytewise, message("weather in SF?"))) {
                    assertEquals(200, client.status());
                    List<SseParser.Event> events = client.readAllEvents();
                    StreamingEndToEndTest.assertContract(events);
                    String complete = events.getLast().data();
                    assertEquals(StreamingEndToEndTest.RECORDED_TEXT, Json.string(complete, "final_message"));
                    assertEquals(47, Json.number(complete, "total_tokens"));
                }
            }
            assertTrue(upstream.requests().getFirst().body().contains("weather in SF?"));
        }
    }

    @Test
    void anUpstreamFailureEndsTheStreamWithAnErrorEvent() throws Exception {
        upstream.always(new Reply.Status(400, "{\"error\":{\"message\":\"bad things\",\"type\":\"invalid_request_error\"}}"));
        try (GatewayUnderTest gateway = gateway(upstream.baseUrl());
                RawHttpClient client = gateway.stream("c1", message("hi"))) {
            List<SseParser.Event> events = client.readAllEvents();
            String last = events.getLast().data();
            assertEquals("error", Json.string(last, "type"), events.toString());
            assertEquals("bad_request", Json.string(last, "code"), last);
        }
    }

    @Test
    void theSimulatorStreamsThroughTheNettyClient() throws Exception {
        try (GatewayUnderTest gateway = gateway(null,
                        "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "0",
                        "STREAMGATE_SIM_TOKENS", "41");
                RawHttpClient client = gateway.stream("demo", message("hello"))) {
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            assertEquals(41, Json.number(events.getLast().data(), "total_tokens"));
        }
    }
}
