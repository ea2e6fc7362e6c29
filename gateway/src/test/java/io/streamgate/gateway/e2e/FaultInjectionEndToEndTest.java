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
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A misbehaving provider and misbehaving clients: retries, fallbacks, timeouts, cuts and disconnect storms. */
class FaultInjectionEndToEndTest extends UpstreamAndGateway {

    private static final String DELTA = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"partial\"},"
            + "\"finish_reason\":null}]}\n\n";


    /** The first {@code failures} requests get {@code failure}; the rest the recorded text stream. */
    private void failFirst(int failures, Reply failure) {
        AtomicInteger seen = new AtomicInteger();
        upstream.script(r -> seen.getAndIncrement() < failures
                ? failure
                : new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
    }

    private List<SseParser.Event> streamOnce() throws Exception {
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            return client.readAllEvents();
        }
    }

    @Test
    void rateLimitWithRetryAfterIsRetriedInvisibly() throws Exception {
        failFirst(1, new Reply.Status(429, "{\"error\":{\"message\":\"slow down\"}}", "Retry-After", "0"));
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        List<SseParser.Event> events = streamOnce();
        StreamingEndToEndTest.assertContract(events);
        assertEquals(StreamingEndToEndTest.RECORDED_TEXT, Json.string(events.getLast().data(), "final_message"));
        assertEquals(2, upstream.requests().size());
    }

    @Test
    void serverErrorsBeforeTheFirstTokenAreRetried() throws Exception {
        failFirst(2, new Reply.Status(500, "{\"error\":{\"message\":\"boom\"}}"));
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        StreamingEndToEndTest.assertContract(streamOnce());
        assertEquals(3, upstream.requests().size(), "three attempts by default");
    }

    @Test
    void deadUpstreamFallsBackToTheNextInTheChain() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), false));
        gateway = GatewayUnderTest.start("http://127.0.0.1:" + dead + "/v1," + upstream.baseUrl());
        StreamingEndToEndTest.assertContract(streamOnce());
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void noFirstTokenInTimeEndsWithUpstreamTimeoutAndCancelsTheCall() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_UPSTREAM_FIRST_TOKEN_TIMEOUT_MS", "300");
        var live = upstream.live();
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            LiveStream stalled = live.get(10, TimeUnit.SECONDS);
            List<SseParser.Event> events = client.readAllEvents();
            assertEquals(1, events.size());
            assertEquals("upstream_timeout", Json.string(events.getFirst().data(), "code"));
            assertEquals(Boolean.TRUE, Json.bool(events.getFirst().data(), "retryable"));
            assertTrue(stalled.awaitClosed(10), "the stalled call is cancelled");
        }
    }

    @Test
    void silenceMidStreamEndsWithUpstreamTimeoutAfterTheTextSoFar() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_UPSTREAM_IDLE_TIMEOUT_MS", "300");
        var live = upstream.live();
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.send(DELTA);
            List<SseParser.Event> events = client.readAllEvents();
            assertEquals("partial", Json.string(events.getFirst().data(), "content"));
            assertEquals("upstream_timeout", Json.string(events.getLast().data(), "code"));
            assertTrue(stream.awaitClosed(10));
        }
    }

    @Test
    void bodyCutInTheMiddleOfAnEventIsAnError() throws Exception {
        upstream.always(new Reply.Cut((DELTA + "data: {\"choices\":[{\"index\":0,\"delta\":{\"con")
                .getBytes(StandardCharsets.UTF_8)));
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        List<SseParser.Event> events = streamOnce();
        assertEquals("partial", Json.string(events.getFirst().data(), "content"));
        assertEquals("upstream_error", Json.string(events.getLast().data(), "code"));
        assertEquals(2, events.size(), "the half event is never delivered");
    }

    @Test
    void disconnectStormEndsEveryUpstreamCallAndLeavesNothingBehind() throws Exception {
        BlockingQueue<LiveStream> calls = new LinkedBlockingQueue<>();
        upstream.always(new Reply.LiveEach(calls));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_TENANT_MAX_STREAMS", "1000");
        int count = 200;
        List<RawHttpClient> clients = new ArrayList<>();
        List<LiveStream> streams = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(gateway.stream("storm-" + i, message("hi")));
        }
        for (int i = 0; i < count; i++) {
            LiveStream s = calls.poll(20, TimeUnit.SECONDS);
            assertTrue(s != null, "every stream reached the provider");
            s.send(DELTA);
            streams.add(s);
        }
        for (RawHttpClient c : clients) {
            assertEquals("partial", Json.string(c.readEvents().getFirst().data(), "content"));
        }
        for (RawHttpClient c : clients) {
            c.close(); // all at once, mid-stream
        }
        for (LiveStream s : streams) {
            assertTrue(s.awaitClosed(20), "every upstream call ends");
        }
        Await.until("no stream is active", () -> gateway.gate().metrics().activeStreams() == 0);
        Await.until("no stream holds memory", () -> gateway.gate().streams().size() == 0);
    }
}
