package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** {@code GET .../stream} with {@code Last-Event-ID} resumes; {@code DELETE .../stream} stops. */
class ResumeAndStopEndToEndTest extends UpstreamAndGateway {

    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";


    private static String delta(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    private RawHttpClient resume(String conversation, String lastEventId) throws Exception {
        return RawHttpClient.connect(gateway.port())
                .send("GET", "/api/v1/conversations/" + conversation + "/stream", null, "Last-Event-ID", lastEventId)
                .readHead();
    }


    @Test
    void deleteStopsTheGenerationWithThePartialTextAsCancelled() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        var live = upstream.live();
        try (RawHttpClient client = gateway.stream("c1", message("long answer please"))) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.send(delta("Once upon"));
            List<SseParser.Event> events = new ArrayList<>(client.readUntilContent("Once upon"));
            try (RawHttpClient delete = RawHttpClient.connect(gateway.port())
                    .send("DELETE", "/api/v1/conversations/c1/stream", null).readHead()) {
                assertEquals(200, delete.status());
                assertEquals("stopped", Json.string(delete.readBody(), "status"));
            }
            events.addAll(client.readAllEvents());
            StreamingEndToEndTest.assertContract(events);
            String complete = events.getLast().data();
            assertEquals("cancelled", Json.string(complete, "finish_reason"));
            assertEquals("Once upon", Json.string(complete, "final_message"));
            assertTrue(stream.awaitClosed(10), "the provider call is cancelled");
        }
        try (RawHttpClient again = RawHttpClient.connect(gateway.port())
                .send("DELETE", "/api/v1/conversations/c1/stream", null).readHead()) {
            assertEquals(409, again.status(), "nothing left to stop");
        }
        try (RawHttpClient unknown = RawHttpClient.connect(gateway.port())
                .send("DELETE", "/api/v1/conversations/nope/stream", null).readHead()) {
            assertEquals(404, unknown.status());
        }
        Await.until("the partial answer is stored as cancelled", () -> {
            try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                    .send("GET", "/api/v1/conversations/c1", null).readHead()) {
                String body = r.readBody();
                return body.contains("\"status\":\"cancelled\"") && body.contains("Once upon");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void resumeAfterTheEndReplaysEverythingAfterTheGivenId() throws Exception {
        upstream.always(TestUpstream.Reply.sse(delta("a") + delta("b") + delta("c") + DONE));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_COALESCE_MAX_DELAY_MS", "0");
        List<SseParser.Event> original;
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            original = client.readAllEvents();
        }
        try (RawHttpClient resumed = resume("c1", "0")) {
            assertEquals(200, resumed.status());
            assertEquals("text/event-stream", resumed.header("content-type"));
            assertEquals(original.subList(1, original.size()), resumed.readAllEvents());
        }
        try (RawHttpClient byQuery = RawHttpClient.connect(gateway.port())
                .send("GET", "/api/v1/conversations/c1/stream?last_event_id=" + (original.size() - 2), null)
                .readHead()) {
            assertEquals(List.of(original.getLast()), byQuery.readAllEvents(), "clients without headers use the query");
        }
        try (RawHttpClient nothing = resume("never-streamed", "3")) {
            assertEquals(204, nothing.status());
        }
    }

    @Test
    void resumeWhileRunningReplaysThenFollowsLive() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        var live = upstream.live();
        try (RawHttpClient first = gateway.stream("c1", message("hi"))) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.send(delta("one"));
            first.readUntilContent("one");
            stream.send(delta("two"));
            first.readUntilContent("two");
            try (RawHttpClient second = resume("c1", "0")) {
                List<SseParser.Event> events = new ArrayList<>(second.readUntilContent("two"));
                stream.send(delta("three"));
                stream.send(DONE);
                stream.end();
                events.addAll(second.readAllEvents());
                assertEquals("1", events.getFirst().id(), "it starts right after the given id");
                assertEquals("onetwothree", Json.string(events.getLast().data(), "final_message"));
                for (int i = 0; i < events.size(); i++) {
                    assertEquals(String.valueOf(i + 1), events.get(i).id(), "no gap, no repeat");
                }
            }
        }
    }

    @Test
    void withAGracePeriodAReconnectingClientLosesNothing() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_RESUME_GRACE_MS", "30000");
        var live = upstream.live();
        RawHttpClient first = gateway.stream("c1", message("hi"));
        LiveStream stream = live.get(10, TimeUnit.SECONDS);
        stream.send(delta("before"));
        List<SseParser.Event> seen = first.readUntilContent("before");
        first.close(); // the connection drops, as on a flaky network
        stream.send(delta("during"));
        try (RawHttpClient again = resume("c1", seen.getLast().id())) {
            List<SseParser.Event> rest = new ArrayList<>(again.readUntilContent("during"));
            stream.send(delta("after"));
            stream.send(DONE);
            stream.end();
            rest.addAll(again.readAllEvents());
            List<SseParser.Event> all = new ArrayList<>(seen);
            all.addAll(rest);
            StreamingEndToEndTest.assertContract(all);
            assertEquals("beforeduringafter", Json.string(all.getLast().data(), "final_message"));
        }
        assertFalse(stream.awaitClosed(0), "the provider call was never cancelled");
    }

    @Test
    void resumeFromBeforeWhatIsKeptIs410() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            body.append(delta("token-" + i));
        }
        upstream.always(TestUpstream.Reply.sse(body + DONE));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_RESUME_BUFFER_BYTES", "2048",
                "STREAMGATE_COALESCE_MAX_DELAY_MS", "0", "STREAMGATE_COALESCE_MAX_TOKENS", "1");
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            client.readAllEvents();
        }
        try (RawHttpClient resumed = resume("c1", "0")) {
            assertEquals(410, resumed.status(), "a gap is refused, never served");
        }
    }
}
