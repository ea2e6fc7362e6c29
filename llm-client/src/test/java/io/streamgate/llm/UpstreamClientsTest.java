package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;

class UpstreamClientsTest {

    @Test
    void defaultsSuitLongConcurrentStreams() throws Exception {
        OkHttpClient client = UpstreamClients.create();
        try {
            assertEquals(1 << 16, client.dispatcher().getMaxRequestsPerHost());
            assertEquals(1 << 16, client.dispatcher().getMaxRequests());
            assertEquals(5_000, client.connectTimeoutMillis());
            assertEquals(60_000, client.readTimeoutMillis());
            assertEquals(0, client.callTimeoutMillis());
            assertFalse(client.retryOnConnectionFailure());
            assertTrue(client.interceptors().contains(SseEofGuard.INSTANCE));
            CompletableFuture<Boolean> virtual = new CompletableFuture<>();
            client.dispatcher().executorService().execute(() -> virtual.complete(Thread.currentThread().isVirtual()));
            assertTrue(virtual.get(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS), "dispatcher runs on virtual threads");
        } finally {
            client.dispatcher().executorService().shutdown();
        }
    }

    @Test
    void settingsAreApplied() {
        UpstreamClients.Settings settings = UpstreamClients.Settings.defaults()
                .withConnectTimeout(Duration.ofMillis(750))
                .withReadTimeout(Duration.ofSeconds(9))
                .withMaxRequests(100, 10);

        OkHttpClient client = UpstreamClients.create(settings);

        assertEquals(750, client.connectTimeoutMillis());
        assertEquals(9_000, client.readTimeoutMillis());
        assertEquals(100, client.dispatcher().getMaxRequests());
        assertEquals(10, client.dispatcher().getMaxRequestsPerHost());
        assertThrows(IllegalArgumentException.class, () -> UpstreamClients.Settings.defaults().withMaxRequests(0, 1));
    }

    @Test
    void guardIsAddedOnceToForeignClientsSharingTheirDispatcher() {
        OkHttpClient plain = new OkHttpClient();
        OkHttpClient guarded = UpstreamClients.withSseGuard(plain);

        assertNotSame(plain, guarded);
        assertSame(plain.dispatcher(), guarded.dispatcher());
        assertSame(plain.connectionPool(), guarded.connectionPool());
        assertSame(guarded, UpstreamClients.withSseGuard(guarded));
    }

    @Test
    void streamingPostAsksForEventStreamWithoutCompression() {
        Request request = UpstreamClients.streamingPost(HttpUrl.get("http://localhost/v1/x"), RequestBody.create(new byte[0])).build();

        assertEquals("POST", request.method());
        assertEquals("text/event-stream", request.header("Accept"));
        assertEquals("identity", request.header("Accept-Encoding"));
    }
}
