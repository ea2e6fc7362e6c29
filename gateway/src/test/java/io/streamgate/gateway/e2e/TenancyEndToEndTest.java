package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A conversation belongs to exactly one tenant from its first byte; nothing about another's leaks. */
class TenancyEndToEndTest extends UpstreamAndGateway {

    private static final String KEYS = "acme:key-acme,globex:key-globex";
    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private RawHttpClient request(String method, String tenant, String path, String body) throws Exception {
        return RawHttpClient.connect(gateway.port())
                .send(method, path, body, "Authorization", "Bearer key-" + tenant)
                .readHead();
    }

    /** Posts the tenant's first message; reads a 200 stream to its end. Returns the status. */
    private int firstMessage(String tenant, String id) throws Exception {
        try (RawHttpClient r = request("POST", tenant, "/api/v1/conversations/" + id + "/stream",
                message("from-" + tenant))) {
            if (r.status() == 200) {
                StreamingEndToEndTest.assertContract(r.readAllEvents());
            } else {
                assertEquals("not_found", Json.string(Json.raw(r.readBody(), "error"), "code"));
            }
            return r.status();
        }
    }

    @Test
    void twoTenantsRacingOnANewIdLeaveExactlyOneOwnerAndTheOtherWritesNothing() throws Exception {
        upstream.always(TestUpstream.Reply.sse(DONE));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS,
                "STREAMGATE_TENANT_REQUESTS_PER_MINUTE", "1000000");
        int rounds = 200;
        List<String> owners = new ArrayList<>();
        try (ExecutorService both = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < rounds; i++) {
                String id = "race-" + i;
                CountDownLatch go = new CountDownLatch(1);
                Future<Integer> acme = both.submit(() -> {
                    go.await();
                    return firstMessage("acme", id);
                });
                Future<Integer> globex = both.submit(() -> {
                    go.await();
                    return firstMessage("globex", id);
                });
                go.countDown();
                int a = acme.get(20, TimeUnit.SECONDS);
                int g = globex.get(20, TimeUnit.SECONDS);
                assertEquals(List.of(200, 404), List.of(a, g).stream().sorted().toList(), "round " + i);
                owners.add(a == 200 ? "acme" : "globex");
            }
        }
        assertEquals(rounds, upstream.requests().size(), "the loser never reached the provider");
        for (int i = 0; i < rounds; i++) {
            String id = "race-" + i;
            String owner = owners.get(i);
            String loser = owner.equals("acme") ? "globex" : "acme";
            Await.until("the owner's turn is stored in " + id,
                    () -> history(owner, id).contains("\"status\":\"complete\""));
            String body = history(owner, id);
            assertTrue(body.contains("from-" + owner), body);
            assertFalse(body.contains("from-" + loser), "the loser's message was stored: " + body);
            assertEquals(2, body.split("\"seq\":", -1).length - 1, "one question, one answer: " + body);
            try (RawHttpClient r = request("GET", loser, "/api/v1/conversations/" + id, null)) {
                assertEquals(404, r.status());
            }
            try (RawHttpClient r = request("GET", loser, "/api/v1/conversations/" + id + "/stream", null)) {
                assertEquals(204, r.status(), "no journal of the loser's");
            }
        }
    }

    private String history(String tenant, String id) {
        try (RawHttpClient r = request("GET", tenant, "/api/v1/conversations/" + id, null)) {
            return r.status() == 200 ? r.readBody() : "status " + r.status() + ": " + r.readBody();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void resumeAndStopAnswerAnotherTenantsIdExactlyAsAnUnknownOne() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS);
        var live = upstream.live();
        try (RawHttpClient owner = request("POST", "acme", "/api/v1/conversations/secret/stream", message("hi"))) {
            assertEquals(200, owner.status());
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            for (String id : List.of("secret", "never-seen")) {
                try (RawHttpClient r = request("GET", "globex", "/api/v1/conversations/" + id + "/stream", null)) {
                    assertEquals(204, r.status(), id);
                    assertEquals(null, r.header("content-type"), id);
                }
                try (RawHttpClient r = request("DELETE", "globex", "/api/v1/conversations/" + id + "/stream", null)) {
                    assertEquals(404, r.status(), id);
                    assertEquals("no conversation " + id, Json.string(Json.raw(r.readBody(), "error"), "message"));
                }
            }
            stream.send(DONE);
            stream.end();
            var events = owner.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            assertEquals("stop", Json.string(events.getLast().data(), "finish_reason"), "another tenant stopped nothing");
        }
        try (RawHttpClient r = request("GET", "acme", "/api/v1/conversations/secret/stream", null)) {
            assertEquals(200, r.status(), "the owner resumes its own stream");
        }
    }
}
