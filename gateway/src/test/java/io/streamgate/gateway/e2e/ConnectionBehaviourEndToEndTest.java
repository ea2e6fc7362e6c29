package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Slow clients, vanished clients, silent providers: what the gateway does to both ends. */
class ConnectionBehaviourEndToEndTest extends UpstreamAndGateway {


    private static String delta(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":" + StreamingEndToEndTest.jsonString(text)
                + "},\"finish_reason\":null}]}\n\n";
    }

    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    @Test
    void headersAreFlushedBeforeTheProviderAnswers() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        var live = upstream.live();
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            assertEquals(200, client.status(), "the head arrived while the provider has sent nothing");
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.send(delta("late"));
            stream.send(DONE);
            stream.end();
            List<SseParser.Event> events = client.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
        }
    }

    @Test
    void pingCommentIsSentDuringSilence() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_PING_INTERVAL_MS", "50");
        var live = upstream.live();
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            assertTrue(client.awaitComment("ping"), "a ping arrives while the provider is silent");
            stream.send(DONE);
            stream.end();
            StreamingEndToEndTest.assertContract(client.readAllEvents());
        }
    }

    @Test
    void clientDisconnectCancelsTheUpstreamCall() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        var live = upstream.live();
        RawHttpClient client = gateway.stream("c1", message("hi"));
        LiveStream stream = live.get(10, TimeUnit.SECONDS);
        stream.send(delta("first"));
        List<SseParser.Event> first = client.readEvents();
        assertEquals("first", Json.string(first.getFirst().data(), "content"));
        client.close();
        assertTrue(stream.awaitClosed(10), "the provider sees its connection closed once the client is gone");
        Await.until("no stream is active", () -> gateway.gate().metrics().activeStreams() == 0);
        Await.until("the stream registry is empty", () -> gateway.gate().streams().size() == 0);
    }

    @Test
    void slowClientPushesBackOnTheProviderWithBoundedMemoryAndLosesNothing() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_MAX_ANSWER_CHARS", String.valueOf(64 << 20));
        var live = upstream.live();
        int count = 40_000;
        String piece = "0123456789".repeat(10);
        try (RawHttpClient client = RawHttpClient.connect(gateway.port(), 8 * 1024)
                .send("POST", "/api/v1/conversations/slow/stream", message("lots"))) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.pump(count, i -> delta(i + ":" + piece + "|"), DONE);
            // The client reads nothing, so the gateway's socket fills, its ring fills, OkHttp stops reading,
            // and the provider's socket stops being writable.
            assertTrue(stream.awaitBackpressure(30), "the provider feels the slow client");
            // Buffered = ring + pending chunk + socket backlog; the answer text kept for final_message is apart.
            long buffered = gateway.gate().streams().bufferedBytes();
            assertTrue(buffered > 0 && buffered < 512 * 1024, "buffered " + buffered + " bytes while paused");
            client.readHead();
            assertEquals(200, client.status());
            List<SseParser.Event> events = new ArrayList<>(client.readAllEvents());
            StreamingEndToEndTest.assertContract(events);
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < count; i++) {
                expected.append(i).append(':').append(piece).append('|');
            }
            assertEquals(expected.toString(), Json.string(events.getLast().data(), "final_message"));
        }
    }
}
