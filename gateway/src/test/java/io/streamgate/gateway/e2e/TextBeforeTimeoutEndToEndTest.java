package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.conversation.ConversationStore;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.RedisProcess;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gateway never drops a token without saying so: a provider that sends one delta and then falls silent ends the
 * stream with {@code upstream_timeout}, and the client gets that delta's {@code message_chunk} (id 0) before the
 * {@code error} (id 1). Over both upstream transports, with and without a shared Redis (which mirrors every event),
 * with API keys, a tenant limit of one stream and a conversation store behind a dynamic proxy, as a deployment has.
 */
@ParameterizedClass
@CsvSource({"netty, false", "netty, true", "okhttp, false", "okhttp, true"})
class TextBeforeTimeoutEndToEndTest extends UpstreamAndGateway {

    private static final String KEY = "key-alpha";
    private static final String DELTA = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"partial\"},"
            + "\"finish_reason\":null}]}\n\n";

    private final String client;
    private final RedisProcess redis;

    TextBeforeTimeoutEndToEndTest(String client, boolean withRedis) {
        this.client = client;
        this.redis = withRedis ? RedisProcess.start() : null;
    }

    @AfterEach
    void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    /** The embedded store behind a pass-through dynamic proxy. */
    private static ConversationStore proxied(ConversationStore store) {
        return (ConversationStore) Proxy.newProxyInstance(ConversationStore.class.getClassLoader(),
                new Class<?>[] {ConversationStore.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void startGateway(String... timeouts) {
        List<String> settings = new ArrayList<>(List.of("STREAMGATE_UPSTREAM_CLIENT", client,
                "STREAMGATE_API_KEYS", "alpha:" + KEY, "STREAMGATE_TENANT_MAX_STREAMS", "1"));
        settings.addAll(List.of(timeouts));
        if (redis != null) {
            settings.addAll(List.of("STREAMGATE_REDIS_URL", redis.url(), "STREAMGATE_REDIS_TIMEOUT_MS", "1000"));
        }
        gateway = GatewayUnderTest.start(upstream.baseUrl(), TextBeforeTimeoutEndToEndTest::proxied,
                settings.toArray(String[]::new));
    }

    private RawHttpClient stream() throws Exception {
        RawHttpClient c = RawHttpClient.connect(gateway.port()).send("POST", "/api/v1/conversations/c1/stream",
                message("hi"), "Authorization", "Bearer " + KEY).readHead();
        assertEquals(200, c.status());
        return c;
    }

    /** Sends one delta, stays silent, and checks the client saw the delta (id 0), then the timeout (id 1). */
    private void assertTextThenTimeout() throws Exception {
        var live = upstream.live();
        try (RawHttpClient c = stream()) {
            LiveStream provider = live.get(10, TimeUnit.SECONDS);
            provider.send(DELTA);
            List<SseParser.Event> events = c.readAllEvents();
            assertEquals(2, events.size(), () -> "the delta, then the error: " + events);
            SseParser.Event chunk = events.getFirst();
            assertEquals("0", chunk.id());
            assertEquals("message_chunk", Json.string(chunk.data(), "type"));
            assertEquals("partial", Json.string(chunk.data(), "content"));
            SseParser.Event error = events.getLast();
            assertEquals("1", error.id());
            assertEquals("error", Json.string(error.data(), "type"));
            assertEquals("upstream_timeout", Json.string(error.data(), "code"));
            assertTrue(c.bodyEnded(), "the response ended after the error");
            assertTrue(provider.awaitClosed(10), "the silent call is cancelled");
        }
    }

    @Test
    void silenceAfterTheFirstDeltaKeepsTheDeltaBeforeTheError() throws Exception {
        startGateway("STREAMGATE_UPSTREAM_IDLE_TIMEOUT_MS", "500");
        assertTextThenTimeout();
    }

    @Test
    void silenceAfterTheFirstDeltaWithAPendingCoalescedChunkKeepsTheDelta() throws Exception {
        // A coalescing window far longer than the silence: if the chunk waits in the coalescer, only the error's
        // flush can deliver it.
        startGateway("STREAMGATE_UPSTREAM_IDLE_TIMEOUT_MS", "500", "STREAMGATE_COALESCE_MAX_DELAY_MS", "5000");
        assertTextThenTimeout();
    }
}
