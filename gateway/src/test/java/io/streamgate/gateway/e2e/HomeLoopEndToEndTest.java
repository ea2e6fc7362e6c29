package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.LoopWatchingRouter;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code STREAMGATE_UPSTREAM_CLIENT=netty}: every provider call of a stream is read on the client channel's event
 * loop, also one opened on another thread: a follow-up whose history is read from the store, the step after tools,
 * a retry after its backoff. Each case runs a few times, so that a call read on the loops' next one instead (what
 * such a call got before) cannot pass by luck.
 */
class HomeLoopEndToEndTest {

    private static final int ROUNDS = 4;

    private final TestUpstream upstream = new TestUpstream();
    private LoopWatchingRouter router;

    @AfterEach
    void stop() {
        upstream.close();
    }

    private GatewayUnderTest gateway(String... settings) {
        String[] all = new String[settings.length + 2];
        all[0] = "STREAMGATE_UPSTREAM_CLIENT";
        all[1] = "netty";
        System.arraycopy(settings, 0, all, 2, settings.length);
        return GatewayUnderTest.startWrappingRouter(upstream.baseUrl(), configured -> {
            router = new LoopWatchingRouter(configured);
            return router;
        }, all);
    }

    private static List<SseParser.Event> streamToEnd(GatewayUnderTest gateway, String conversation) throws Exception {
        try (RawHttpClient client = gateway.stream(conversation, message("hi"))) {
            assertEquals(200, client.status());
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            return events;
        }
    }

    /**
     * Every event of the stream was published, and every read batch ended, on the loop it was launched on (so the
     * bridge drained each batch inline), and there were some.
     */
    private static void assertReadOnItsLoop(LoopWatchingRouter.Stream stream) {
        assertFalse(stream.publishedOn.isEmpty(), stream.toString());
        assertFalse(stream.batchesEndedOn.isEmpty(), stream.toString());
        assertEquals(0, stream.publishedElsewhere(), "events published off the client's loop: " + stream);
        assertEquals(0, stream.batchesEndedElsewhere(), "batches ended off the client's loop: " + stream);
    }

    @Test
    void aFollowUpWhoseHistoryComesFromTheStoreIsReadOnTheClientsLoop() throws Exception {
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
        try (GatewayUnderTest gateway = gateway("STREAMGATE_HISTORY_CACHE_MB", "0")) {
            streamToEnd(gateway, "c"); // new: opened on the loop, with no history to read
            for (int i = 0; i < ROUNDS; i++) {
                streamToEnd(gateway, "c");
            }
        }
        List<LoopWatchingRouter.Stream> streams = router.streams();
        assertEquals(ROUNDS + 1, streams.size());
        for (LoopWatchingRouter.Stream followUp : streams.subList(1, streams.size())) {
            assertEquals(1, followUp.callsStartedElsewhere(), "opened on a store thread: " + followUp);
            assertReadOnItsLoop(followUp);
        }
    }

    @Test
    void theStepAfterToolsIsReadOnTheClientsLoop() throws Exception {
        upstream.script(r -> r.body().contains("\"role\":\"tool\"")
                ? new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false)
                : new Reply.Sse(Fixtures.bytes("openai-chat-parallel-tools.sse"), false));
        try (GatewayUnderTest gateway = gateway()) {
            for (int i = 0; i < ROUNDS; i++) {
                List<SseParser.Event> events = streamToEnd(gateway, "tools-" + i);
                assertTrue(events.stream().anyMatch(e -> "tool_result".equals(Json.string(e.data(), "type"))));
            }
        }
        assertEquals(2 * ROUNDS, upstream.requests().size(), "two steps per turn");
        for (LoopWatchingRouter.Stream stream : router.streams()) {
            assertEquals(2, stream.callsStartedOn.size(), stream.toString());
            assertEquals(1, stream.callsStartedElsewhere(), "the second step opened on a store thread: " + stream);
            assertReadOnItsLoop(stream);
        }
    }

    @Test
    void aRetryAfterA503IsReadOnTheClientsLoop() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        upstream.script(r -> seen.getAndIncrement() % 2 == 0 // each turn's first attempt
                ? new Reply.Status(503, "{\"error\":{\"message\":\"busy\"}}", "Retry-After", "0")
                : new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
        try (GatewayUnderTest gateway = gateway()) {
            for (int i = 0; i < ROUNDS; i++) {
                List<SseParser.Event> events = streamToEnd(gateway, "retry-" + i);
                assertEquals(StreamingEndToEndTest.RECORDED_TEXT, Json.string(events.getLast().data(), "final_message"));
            }
        }
        assertEquals(2 * ROUNDS, upstream.requests().size(), "each turn retried once");
        for (LoopWatchingRouter.Stream stream : router.streams()) {
            assertReadOnItsLoop(stream); // the failed attempt publishes nothing here: the retry's events do
        }
    }
}
