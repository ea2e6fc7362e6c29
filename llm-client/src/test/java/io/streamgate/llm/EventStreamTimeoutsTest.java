package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Connection;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read timeout bounds the wait for the head; an event stream's body is left to its consumer's watchdog. */
class EventStreamTimeoutsTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(700);

    private final AtomicInteger socketTimeoutMillis = new AtomicInteger(-1);
    private final AtomicLong bodyTimeoutNanos = new AtomicLong(-1);
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private MockWebServer server;
    private OkHttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        OkHttpClient.Builder builder = UpstreamClients.create(UpstreamClients.Settings.defaults()
                .withReadTimeout(READ_TIMEOUT)).newBuilder();
        // Outermost network interceptor: it sees the exchange after EventStreamTimeouts has done its work.
        builder.networkInterceptors().addFirst(chain -> {
            Response response = chain.proceed(chain.request());
            connections.add(chain.connection());
            socketTimeoutMillis.set(chain.connection().socket().getSoTimeout());
            bodyTimeoutNanos.set(response.body().source().timeout().timeoutNanos());
            return response;
        });
        client = builder.build();
    }

    @AfterEach
    void stop() {
        server.close();
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
    }

    private void call(String contentType) throws IOException {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", contentType).body("data: x\n\n").build());
        try (Response response = client.newCall(new Request.Builder().url(server.url("/")).build()).execute()) {
            response.body().string();
        }
    }

    @Test
    void anEventStreamsBodyHasNoReadTimeout() throws IOException {
        call("text/event-stream; charset=utf-8");

        assertEquals(0, socketTimeoutMillis.get());
        assertEquals(0, bodyTimeoutNanos.get());
    }

    @Test
    void anyOtherBodyKeepsTheReadTimeout() throws IOException {
        call("application/json");

        assertEquals(READ_TIMEOUT.toMillis(), socketTimeoutMillis.get());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT.toMillis()), bodyTimeoutNanos.get());
    }

    @Test
    void theNextExchangeOnTheSameConnectionGetsTheReadTimeoutBack() throws IOException {
        call("text/event-stream");
        call("application/json");

        assertEquals(2, connections.size());
        assertSame(connections.get(0), connections.get(1), "the second call reused the connection");
        assertEquals(READ_TIMEOUT.toMillis(), socketTimeoutMillis.get());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(READ_TIMEOUT.toMillis()), bodyTimeoutNanos.get());
    }
}
