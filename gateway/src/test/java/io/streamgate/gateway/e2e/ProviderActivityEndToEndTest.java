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
 * limits bound the silence between any two reads, not the time to the next event. The provider writes a piece every
 * 100 ms for well over the limits: 600 ms between events, and for the first event of a step 2.5 s (generous, so that
 * a loaded machine still gets the request to the provider in time) or more.
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

    private void startGateway(Duration firstToken) {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_UPSTREAM_CLIENT", client,
                "STREAMGATE_UPSTREAM_FIRST_TOKEN_TIMEOUT_MS", String.valueOf(firstToken.toMillis()),
                "STREAMGATE_UPSTREAM_IDLE_TIMEOUT_MS", "600");
    }

    private static String chunk(String deltaJson, String finishReason) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":" + deltaJson + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}\n\n";
    }

    private static List<String> of(List<SseParser.Event> events, String type) {
        return events.stream().map(SseParser.Event::data).filter(d -> type.equals(Json.string(d, "type"))).toList();
    }

    private static void assertNoError(List<SseParser.Event> events) {
        assertEquals(List.of(), of(events, "error"), "the provider was never silent for long");
        assertEquals("complete_state", Json.string(events.getLast().data(), "type"));
    }

    @Test
    void aToolCallWrittenForLongerThanTheTimeoutsIsNotCutAsSilent() throws Exception {
        CompletableFuture<LiveStream> firstStep = new CompletableFuture<>();
        upstream.script(r -> r.body().contains("\"role\":\"tool\"")
                ? new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false)
                : new Reply.Live(firstStep));
        startGateway(Duration.ofSeconds(10));
        // A sentence, then the call's arguments in 30 pieces 100 ms apart: 3 s in which the call makes no event.
        List<String> pieces = new ArrayList<>();
        pieces.add(chunk("{\"role\":\"assistant\",\"content\":\"Let me compute that.\"}", null));
        pieces.add(chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_slow\","
                + "\"type\":\"function\",\"function\":{\"name\":\"calculator\",\"arguments\":\"\"}}]}", null));
        List<String> arguments = new ArrayList<>(List.of("{", "\\\"expression\\\"", ":", "\\\"6", "*", "7\\\""));
        arguments.addAll(Collections.nCopies(23, " "));
        arguments.add("}");
        for (String piece : arguments) {
            pieces.add(chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"" + piece + "\"}}]}", null));
        }
        try (RawHttpClient c = gateway.stream("slow-tool", message("what is 6*7?"))) {
            firstStep.get(20, TimeUnit.SECONDS).sendPaced(pieces, PACE, chunk("{}", "tool_calls") + DONE);
            List<SseParser.Event> events = c.readAllEvents();

            assertNoError(events);
            String call = of(events, "tool_call").getFirst();
            assertEquals("calculator", Json.string(call, "tool_name"));
            assertEquals("6*7", Json.string(Json.raw(call, "tool_input"), "expression"));
            String result = of(events, "tool_result").getFirst();
            assertEquals(Boolean.FALSE, Json.bool(result, "is_error"), result);
            assertEquals("Let me compute that." + StreamingEndToEndTest.RECORDED_TEXT,
                    Json.string(events.getLast().data(), "final_message"));
        }
        assertEquals(2, upstream.requests().size());
    }

    @Test
    void commentsFromAProviderStillThinkingKeepTheStreamAlive() throws Exception {
        CompletableFuture<LiveStream> live = upstream.live();
        startGateway(Duration.ofMillis(2500));
        // 3 s of comments before the first event, and 1 s of them after it.
        List<String> pings = new ArrayList<>(Collections.nCopies(30, ": still thinking\n\n"));
        pings.add(chunk("{\"content\":\"done thinking\"}", null));
        pings.addAll(Collections.nCopies(10, ": OPENROUTER PROCESSING\n\n"));
        try (RawHttpClient c = gateway.stream("pings", message("think hard"))) {
            live.get(20, TimeUnit.SECONDS).sendPaced(pings, PACE, chunk("{}", "stop") + DONE);
            List<SseParser.Event> events = c.readAllEvents();

            assertNoError(events);
            assertEquals("done thinking", Json.string(events.getLast().data(), "final_message"));
        }
    }
}
