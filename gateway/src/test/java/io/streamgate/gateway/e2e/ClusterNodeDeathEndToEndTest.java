package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.e2e.ClusterEndToEndTest.auth;
import static io.streamgate.gateway.e2e.ClusterEndToEndTest.delta;
import static io.streamgate.gateway.e2e.ClusterEndToEndTest.post;
import static io.streamgate.gateway.e2e.ClusterEndToEndTest.resume;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayNodes;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of the node that runs a stream: a client following it on another node gets a retryable error
 * within seconds, the answer so far is in the history, as any node reads it, and the tenant's stream slot that the
 * dead node held comes back by itself.
 */
class ClusterNodeDeathEndToEndTest {

    @RegisterExtension
    static final GatewayNodes cluster = new GatewayNodes(List.of("A", "B", "C"), List.of("t"),
            "STREAMGATE_COALESCE_MAX_DELAY_MS", "0",
            // a shorter lease, so that the death is noticed sooner (the default is 5 s; at least three Redis timeouts)
            "STREAMGATE_REDIS_LEASE_MS", "3000",
            // one stream at a time: the dead node's slot must come back by itself
            "STREAMGATE_TENANT_MAX_STREAMS", "1",
            // the waits below poll with requests, which the per-minute limit would count
            "STREAMGATE_TENANT_REQUESTS_PER_MINUTE", "1000000");

    @Test
    void aFollowerOnBGetsARetryableErrorAndCsHistoryHasThePartialAnswer() throws Exception {
        var live = cluster.upstream().live();
        try (RawHttpClient onA = post(cluster.node("A"), "t", "orphan", "a long answer")) {
            assertEquals(200, onA.status());
            LiveStream provider = live.get(20, TimeUnit.SECONDS);
            provider.send(delta("Half an"));
            provider.send(delta(" answer"));
            onA.readUntilContent(" answer");
            try (RawHttpClient onB = resume(cluster.node("B"), "t", "orphan", "0")) {
                assertEquals(200, onB.status());
                List<SseParser.Event> followed = new ArrayList<>(onB.readUntilContent(" answer"));

                cluster.node("A").kill9();

                followed.addAll(onB.readAllEvents()); // the socket's read timeout guards a follower left hanging
                SseParser.Event last = followed.getLast();
                assertEquals("error", Json.string(last.data(), "type"), "the follower is told: " + followed);
                assertEquals("stream_owner_lost", Json.string(last.data(), "code"));
                assertTrue(Json.bool(last.data(), "retryable"));
                assertEquals(1, followed.stream()
                        .filter(e -> List.of("error", "complete_state").contains(Json.string(e.data(), "type")))
                        .count(), "exactly one terminal event");
                for (int i = 0; i < followed.size(); i++) {
                    assertEquals(String.valueOf(i + 1), followed.get(i).id(), "contiguous ids after 0");
                }
            }
            assertTrue(provider.awaitClosed(20), "the dead node's provider connection is gone");
        }
        Await.until("C's history has the partial answer", () -> {
            try (RawHttpClient history = cluster.node("C").request(
                    "GET", "/api/v1/conversations/orphan", null, auth("t"))) {
                if (history.status() != 200) {
                    return false;
                }
                String body = history.readBody();
                return body.contains("Half an answer") && body.contains("\"status\":\"partial\"");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(30));
        assertFalse(cluster.node("A").alive());

        cluster.upstream().always(TestUpstream.Reply.sse(delta("next") + ClusterEndToEndTest.DONE));
        Await.until("the dead node's stream slot has lapsed: the tenant streams again", () -> {
            try (RawHttpClient again = post(cluster.node("B"), "t", "after-the-death", "hi")) {
                if (again.status() == 429) {
                    return false;
                }
                assertEquals(200, again.status());
                StreamingEndToEndTest.assertContract(again.readAllEvents());
                return true;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(30));
    }
}
