package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.PostgresProcess;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped mid-stream: the answer still reaches the client whole, waits in memory, and is stored when the
 * database is back; meanwhile new streams and history reads are refused at once with 503 {@code store_unavailable}.
 * The test has a PostgreSQL server of its own, since it stops it.
 */
class PostgresDownEndToEndTest {

    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private final TestUpstream upstream = new TestUpstream();
    private PostgresProcess pg;
    private GatewayUnderTest gateway;

    @BeforeEach
    void start() {
        pg = PostgresProcess.startPrivate();
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_DATABASE_URL", pg.createDatabase(),
                "STREAMGATE_DATABASE_CONNECT_TIMEOUT_MS", "500");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        if (pg != null) {
            pg.close();
        }
    }

    private static String delta(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    private RawHttpClient get(String path) throws Exception {
        return RawHttpClient.connect(gateway.port()).send("GET", path, null).readHead();
    }

    private static void assertStoreUnavailable(RawHttpClient response) throws Exception {
        assertEquals(503, response.status());
        assertNotNull(response.header("retry-after"), "says when to retry");
        String body = response.readBody();
        assertEquals("store_unavailable", Json.string(Json.raw(body, "error"), "code"), body);
    }

    @Test
    void anAnswerFinishedWhileTheDatabaseIsDownReachesTheClientAndIsStoredWhenItIsBack() throws Exception {
        CompletableFuture<LiveStream> call = upstream.live();
        try (RawHttpClient client = gateway.stream("c1", message("asked before the outage"))) {
            LiveStream live = call.get(20, TimeUnit.SECONDS); // the question is stored before the provider is called
            live.send(delta("Hello, "));
            pg.stop();
            live.send(delta("world."));
            live.send(DONE);
            live.end();

            List<SseParser.Event> events = client.readAllEvents();
            assertEquals("complete_state", Json.string(events.getLast().data(), "type"));
            assertEquals("Hello, world.", Json.string(events.getLast().data(), "final_message"));
        }
        Await.until("the answer waits for the database", () -> gateway.metric("streaming_store_pending_writes") == 1);
        assertEquals(0, gateway.metric("streaming_store_up"));

        try (RawHttpClient refused = gateway.stream("c2", message("a new stream"))) {
            assertStoreUnavailable(refused);
        }
        try (RawHttpClient refused = get("/api/v1/conversations/c1")) {
            assertStoreUnavailable(refused);
        }
        assertEquals(1, upstream.requests().size(), "a refused stream never reaches the provider");
        try (RawHttpClient ready = get("/readyz")) {
            assertEquals(200, ready.status(), "an outage every node shares takes no node out of the balancer");
            String store = Json.raw(ready.readBody(), "store");
            assertEquals("down", Json.string(store, "state"), store);
            assertEquals(1, Json.number(store, "pending_writes"), store);
        }

        pg.start();
        Await.until("the answer is stored once the database is back",
                () -> gateway.metric("streaming_store_pending_writes") == 0, Duration.ofSeconds(30));
        try (RawHttpClient history = get("/api/v1/conversations/c1")) {
            assertEquals(200, history.status());
            String body = history.readBody();
            assertTrue(body.contains("asked before the outage") && body.contains("Hello, world."), body);
        }
        assertEquals(1, gateway.metric("streaming_store_up"));
        assertEquals(0, gateway.metric("streaming_store_dropped_writes_total"));
        try (RawHttpClient ready = get("/readyz")) {
            String store = Json.raw(ready.readBody(), "store");
            assertEquals("up", Json.string(store, "state"), store);
            assertEquals(0, Json.number(store, "pending_writes"), store);
        }

        upstream.always(TestUpstream.Reply.sse(delta("again") + DONE));
        try (RawHttpClient followUp = gateway.stream("c1", message("and now?"))) {
            assertEquals(200, followUp.status());
            assertEquals("complete_state", Json.string(followUp.readAllEvents().getLast().data(), "type"));
        }
        String sent = upstream.requests().getLast().body();
        assertTrue(sent.contains("asked before the outage") && sent.contains("Hello, world."),
                "the follow-up's provider call has the turn stored late: " + sent);
    }
}
