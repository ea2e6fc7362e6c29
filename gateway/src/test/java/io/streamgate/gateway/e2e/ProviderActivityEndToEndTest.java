package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import io.streamgate.llm.Fixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A provider that is slow but never silent is not cut as silent, over either upstream transport: the watchdog's
 * limits (300 ms here) bound the silence between any two reads, not the time to the next event. The provider writes
 * a piece every 100 ms for well over the limits.
 */
@ParameterizedClass
@ValueSource(strings = {"okhttp", "netty"})
class ProviderActivityEndToEndTest extends UpstreamAndGateway {

    private static final Duration PACE = Duration.ofMillis(100);
    private static final String DONE = "data: [DONE]\n\n";

    private final String client;

    ProviderActivityEndToEndTest(String client) {
        this.client = client;
    }

    private void startGateway() {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_UPSTREAM_CLIENT", client,
                "STREAMGATE_UPSTREAM_FIRST_TOKEN_TIMEOUT_MS", "300", "STREAMGATE_UPSTREAM_IDLE_TIMEOUT_MS", "300");
    }

    private static String chunk(String deltaJson, String finishReason) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":" + deltaJson + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}\n\n";
    }

    private static List<String> of(List<SseParser.Event> events, String type) {
        return events.stream().map(SseParser.Event::data).filter(d -> type.equals(Json.string(d, "type"))).toList();
    }

    private static void assertNoError(List<SseParser.Event> events) {
        assertEquals(List.of(), of(events, "error"), "the provider was never silent for 300 ms");
        assertEquals("complete_state", Json.string(events.getLast().data(), "type"));
    }

    @Test
    void aToolCallWrittenForLongerThanTheTimeoutsIsNotCutAsSilent() throws Exception {
        CompletableFuture<LiveStream> firstStep = new CompletableFuture<>();
        upstream.script(r -> r.body().contains("\"role\":\"tool\"")
                ? new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false)
                : new Reply.Live(firstStep));
        startGateway();
        // The call's arguments in 14 pieces, 100 ms apart: 1.3 s before the call is whole and makes its first event.
        List<String> pieces = new ArrayList<>();
        pieces.add(chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_slow\","
                + "\"type\":\"function\",\"function\":{\"name\":\"calculator\",\"arguments\":\"\"}}]}", null));
        for (String piece : List.of("{", " ", "\\\"expression\\\"", " ", ":", " ", "\\\"6", "*", "7\\\"", " ", " ", " ", "}")) {
            pieces.add(chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"" + piece + "\"}}]}", null));
        }
        try (RawHttpClient c = gateway.stream("slow-tool", message("what is 6*7?"))) {
            firstStep.get(10, TimeUnit.SECONDS).sendPaced(pieces, PACE, chunk("{}", "tool_calls") + DONE);
            List<SseParser.Event> events = c.readAllEvents();

            assertNoError(events);
            String call = of(events, "tool_call").getFirst();
            assertEquals("calculator", Json.string(call, "tool_name"));
            assertEquals("6*7", Json.string(Json.raw(call, "tool_input"), "expression"));
            String result = of(events, "tool_result").getFirst();
            assertEquals(Boolean.FALSE, Json.bool(result, "is_error"), result);
            assertEquals(StreamingEndToEndTest.RECORDED_TEXT, Json.string(events.getLast().data(), "final_message"));
        }
        assertEquals(2, upstream.requests().size());
    }

    @Test
    void commentsFromAProviderStillThinkingKeepTheStreamAlive() throws Exception {
        CompletableFuture<LiveStream> live = upstream.live();
        startGateway();
        List<String> pings = new ArrayList<>(Collections.nCopies(12, ": still thinking\n\n"));
        pings.add(chunk("{\"content\":\"done thinking\"}", null));
        pings.addAll(Collections.nCopies(6, ": OPENROUTER PROCESSING\n\n"));
        try (RawHttpClient c = gateway.stream("pings", message("think hard"))) {
            live.get(10, TimeUnit.SECONDS).sendPaced(pings, PACE, chunk("{}", "stop") + DONE);
            List<SseParser.Event> events = c.readAllEvents();

            assertNoError(events);
            assertEquals("done thinking", Json.string(events.getLast().data(), "final_message"));
        }
    }
}
