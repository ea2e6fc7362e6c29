package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.streamgate.llm.netty.NettyTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A scripted provider (MockWebServer) and a transport for each test, for provider tests that go through real
 * sockets. Register it as an instance {@code @RegisterExtension} field; provider contract tests take the
 * {@link Kind} as a class parameter, so that they run against both transports.
 *
 * <p>The transport reports when it goes idle, which is after the last call has finished (for OkHttp, after
 * okhttp-sse's last callback has returned): {@link #awaitCallsFinished()} is how a test knows nothing more can be
 * published.
 */
public final class MockUpstream implements BeforeEachCallback, AfterEachCallback {

    /** The transport under test. */
    public enum Kind { OKHTTP, NETTY }

    private final Kind kind;
    private final Semaphore callsFinished = new Semaphore(0);
    private MockWebServer server;
    private OkHttpClient client;
    private EventLoopGroup loops;
    private NettyTransport netty;

    public MockUpstream() {
        this(Kind.OKHTTP);
    }

    public MockUpstream(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        server = new MockWebServer();
        server.start();
        client = newClient(UpstreamClients.Settings.defaults());
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        netty = newNetty(NettyTransport.Settings.defaults());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        server.close();
        release(client);
        netty.close();
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    public Kind kind() {
        return kind;
    }

    public MockWebServer server() {
        return server;
    }

    public OkHttpClient client() {
        return client;
    }

    /** The transport under test. */
    public UpstreamTransport transport() {
        return kind == Kind.OKHTTP ? OkHttpTransport.of(client) : netty;
    }

    /** The Netty transport, whatever the kind. */
    public NettyTransport netty() {
        return netty;
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

    /** Replaces the Netty transport with one built from {@code settings}; returns it. */
    public NettyTransport useNetty(NettyTransport.Settings settings) {
        netty.close();
        netty = newNetty(settings);
        return netty;
    }

    /** Makes either transport give up on a provider silent for {@code timeout}, before or after the head. */
    public void useReadTimeout(Duration timeout) {
        useClient(UpstreamClients.Settings.defaults().withReadTimeout(timeout));
        useNetty(NettyTransport.Settings.defaults().withTimeouts(Duration.ofSeconds(5), timeout, timeout, timeout));
    }

    /** Caps one SSE event at {@code maxEventBytes} on either transport. */
    public void useMaxEventBytes(int maxEventBytes) {
        useClient(UpstreamClients.Settings.defaults().withMaxEventBytes(maxEventBytes));
        useNetty(NettyTransport.Settings.defaults().withMaxEventBytes(maxEventBytes));
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

    private NettyTransport newNetty(NettyTransport.Settings settings) {
        return NettyTransport.create(loops, NioSocketChannel.class, NioDatagramChannel.class, settings,
                callsFinished::release);
    }

    private static void release(OkHttpClient c) {
        c.dispatcher().cancelAll();
        c.dispatcher().executorService().shutdownNow();
        c.connectionPool().evictAll();
    }
}
