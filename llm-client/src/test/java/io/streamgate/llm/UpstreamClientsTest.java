package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
            assertEquals(List.of(Protocol.HTTP_1_1), client.protocols());
            assertTrue(client.interceptors().contains(SseEofGuard.INSTANCE));
            assertEquals(List.of(1 << 20), eventCaps(client));
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
                .withMaxRequests(100, 10)
                .withMaxEventBytes(4096);

        OkHttpClient client = UpstreamClients.create(settings);

        assertEquals(750, client.connectTimeoutMillis());
        assertEquals(9_000, client.readTimeoutMillis());
        assertEquals(100, client.dispatcher().getMaxRequests());
        assertEquals(10, client.dispatcher().getMaxRequestsPerHost());
        assertEquals(List.of(4096), eventCaps(client));
        assertThrows(IllegalArgumentException.class, () -> UpstreamClients.Settings.defaults().withMaxRequests(0, 1));
        assertThrows(IllegalArgumentException.class, () -> UpstreamClients.Settings.defaults().withMaxEventBytes(0));
    }

    @Test
    void aClientFromElsewhereGetsTheGuardAndTheDefaultEventCapOnce() {
        OkHttpClient bare = new OkHttpClient();

        OkHttpClient guarded = UpstreamClients.withSseGuard(bare);

        assertTrue(guarded.interceptors().contains(SseEofGuard.INSTANCE));
        assertEquals(List.of(1 << 20), eventCaps(guarded));
        assertSame(guarded, UpstreamClients.withSseGuard(guarded));
    }

    private static List<Integer> eventCaps(OkHttpClient client) {
        return client.interceptors().stream()
                .filter(SseBodyWatch.class::isInstance)
                .map(i -> ((SseBodyWatch) i).maxEventBytes())
                .toList();
    }

    /**
     * A TLS provider that offers HTTP/2 still gets HTTP/1.1 by default: one connection per stream, so a stalled
     * client's backpressure reaches the provider through TCP instead of filling OkHttp's 16 MiB stream window.
     */
    @ParameterizedTest
    @CsvSource({"false, HTTP_1_1", "true, HTTP_2"})
    void http2IsOfferedToTlsProvidersOnlyWhenAskedFor(boolean http2, Protocol expected) throws Exception {
        HeldCertificate localhost = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
        HandshakeCertificates serverCerts = new HandshakeCertificates.Builder().heldCertificate(localhost).build();
        HandshakeCertificates clientCerts = new HandshakeCertificates.Builder()
                .addTrustedCertificate(localhost.certificate()).build();
        OkHttpClient client = UpstreamClients.create(UpstreamClients.Settings.defaults().withHttp2(http2)).newBuilder()
                .sslSocketFactory(clientCerts.sslSocketFactory(), clientCerts.trustManager())
                .build();
        try (MockWebServer server = new MockWebServer()) {
            server.useHttps(serverCerts.sslSocketFactory());
            server.setProtocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
            server.enqueue(new MockResponse.Builder().body("ok").build());
            server.start();

            try (Response response = client.newCall(new Request.Builder().url(server.url("/")).build()).execute()) {
                assertEquals(expected, response.protocol());
            }
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
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
