package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.PostgresProcess;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes on one PostgreSQL database: whichever node a turn lands on, the provider gets the history the
 * other node wrote. (Each node's in-memory shortcuts, the filter of known conversations and the cache of history
 * windows, hold only when a node is the store's one writer, so with a shared database they are off.)
 */
class SharedHistoryEndToEndTest {

    private final TestUpstream upstream = new TestUpstream();
    private GatewayUnderTest nodeA;
    private GatewayUnderTest nodeB;
    private String url;

    @BeforeEach
    void start() {
        url = PostgresProcess.shared().createDatabase();
        nodeA = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_DATABASE_URL", url);
        nodeB = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_DATABASE_URL", url);
        upstream.script(request -> TestUpstream.Reply.sse(answer("answer " + upstream.requests().size())));
    }

    @AfterEach
    void stop() {
        nodeA.close();
        nodeB.close();
        upstream.close();
    }

    private static String answer(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    }

    private static String turn(GatewayUnderTest node, String conversation, String text) throws Exception {
        try (RawHttpClient client = node.stream(conversation, message(text))) {
            assertEquals(200, client.status());
            List<SseParser.Event> events = client.readAllEvents();
            assertEquals("complete_state", Json.string(events.getLast().data(), "type"));
            return Json.string(events.getLast().data(), "final_message");
        }
    }

    /**
     * Waits until the database holds {@code messages} messages of the conversation: a turn is stored on a store
     * thread just after its {@code complete_state} is sent, so a client that asks another node at once may be
     * quicker than the write.
     */
    private void awaitStored(String conversation, int messages) {
        Await.until(conversation + " holds " + messages + " messages",
                () -> PostgresProcess.storedMessages(url, conversation) == messages);
    }

    @Test
    void aNodeNewToAConversationSendsTheTurnAnotherNodeStored() throws Exception {
        assertEquals("answer 1", turn(nodeA, "c1", "first question"));
        awaitStored("c1", 2);
        assertEquals("answer 2", turn(nodeB, "c1", "second question"));

        String onB = upstream.requests().get(1).body();
        assertTrue(onB.contains("first question") && onB.contains("answer 1"),
                "node B has never seen the conversation, yet sends the turn node A stored: " + onB);
    }

    @Test
    void aNodeDoesNotServeTheHistoryItHadBeforeAnotherNodeAddedATurn() throws Exception {
        turn(nodeA, "c1", "first question");
        awaitStored("c1", 2);
        turn(nodeB, "c1", "second question");
        awaitStored("c1", 4);
        assertEquals("answer 3", turn(nodeA, "c1", "third question"));

        String backOnA = upstream.requests().get(2).body();
        assertTrue(backOnA.contains("second question") && backOnA.contains("answer 2"),
                "node A sends node B's turn, not the window it had after its own: " + backOnA);
        assertTrue(backOnA.indexOf("first question") < backOnA.indexOf("second question"), backOnA);
    }

    @Test
    void theHistoryReadOnOneNodeHoldsTheTurnWrittenOnTheOther() throws Exception {
        turn(nodeA, "c2", "hello");
        awaitStored("c2", 2);
        try (RawHttpClient client = RawHttpClient.connect(nodeB.port())
                .send("GET", "/api/v1/conversations/c2", null).readHead()) {
            assertEquals(200, client.status());
            String body = client.readBody();
            assertTrue(body.contains("\"hello\"") && body.contains("answer 1"), body);
        }
    }
}
