package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A scripted provider (MockWebServer) and the gateway's OkHttp client for each test, for provider tests that go
 * through real sockets. Register it as an instance {@code @RegisterExtension} field.
 *
 * <p>The client's dispatcher reports when it goes idle, which is after okhttp-sse's last callback has returned:
 * {@link #awaitCallsFinished()} is how a test knows nothing more can be published.
 */
public final class MockUpstream implements BeforeEachCallback, AfterEachCallback {

    private final Semaphore callsFinished = new Semaphore(0);
    private MockWebServer server;
    private OkHttpClient client;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        server = new MockWebServer();
        server.start();
        client = newClient(UpstreamClients.Settings.defaults());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        server.close();
        release(client);
    }

    public MockWebServer server() {
        return server;
    }

    public OkHttpClient client() {
        return client;
    }

    /** The provider's base URL, with the version path. */
    public String baseUrl() {
        return server.url("/v1").toString();
    }

    /** Replaces the client with one built from {@code settings}; returns it. */
    public OkHttpClient useClient(UpstreamClients.Settings settings) {
        release(client);
        client = newClient(settings);
        return client;
    }

    public void awaitCallsFinished() throws InterruptedException {
        assertTrue(callsFinished.tryAcquire(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS), "call did not finish");
    }

    /** Streams, waits for the terminal event and for the call to finish, so nothing more can be published. */
    public RecordingSink streamToEnd(LlmProvider provider, ChatRequest request) throws InterruptedException {
        RecordingSink sink = new RecordingSink();
        provider.stream(request, sink);
        sink.awaitTerminal();
        awaitCallsFinished();
        sink.assertSingleTerminalLast();
        return sink;
    }

    /** A 200 event-stream answer with {@code body}. */
    public static MockResponse sse(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/event-stream").body(body).build();
    }

    /** A recorded fixture as text. */
    public static String fixture(String name) {
        return new String(Fixtures.bytes(name), StandardCharsets.UTF_8);
    }

    private OkHttpClient newClient(UpstreamClients.Settings settings) {
        OkHttpClient c = UpstreamClients.create(settings);
        c.dispatcher().setIdleCallback(callsFinished::release);
        return c;
    }

    private static void release(OkHttpClient c) {
        c.dispatcher().cancelAll();
        c.dispatcher().executorService().shutdownNow();
        c.connectionPool().evictAll();
    }
}
