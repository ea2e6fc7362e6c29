package io.streamgate.llm.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamTrust;
import io.streamgate.llm.openai.OpenAiProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS to the provider: a test CA, trusted through the extra CA file; SNI and hostname verification; on both engines,
 * OpenSSL (netty-tcnative) and the JDK's.
 */
class NettyTlsTest {

    private static final HeldCertificate CA = new HeldCertificate.Builder().certificateAuthority(0).commonName("test CA").build();

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static SslContext serverTls(String hostname) throws Exception {
        HeldCertificate cert = new HeldCertificate.Builder().signedBy(CA).addSubjectAlternativeName(hostname).build();
        return SslContextBuilder.forServer(cert.keyPair().getPrivate(), cert.certificate(), CA.certificate()).build();
    }

    private static NettySseServer server(SslContext tls) {
        return new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, NettyTransportTest.TEXT + NettyTransportTest.DONE);
            NettySseServer.end(ctx);
        }, tls);
    }

    /** Both engines; OpenSSL must load here, as netty-tcnative ships for this platform (see {@link #openSslLoads}). */
    static List<SslProvider> engines() {
        return List.of(SslProvider.OPENSSL, SslProvider.JDK);
    }

    private RecordingSink stream(NettyTransport.Settings settings, String baseUrl, SslProvider engine) throws Exception {
        try (NettyTransport transport = NettyTransport.create(
                loops, NioSocketChannel.class, NioDatagramChannel.class, settings, () -> {}, engine)) {
            RecordingSink sink = new RecordingSink();
            OpenAiProvider.create(transport, baseUrl, null, "m").stream(NettyTransportTest.HELLO, sink);
            sink.awaitTerminal();
            return sink;
        }
    }

    private NettyTransport.Settings trustingTheTestCa() throws Exception {
        Path caFile = Files.writeString(dir.resolve("ca.pem"), CA.certificatePem());
        return NettyTransport.Settings.defaults().withTrust(UpstreamTrust.systemPlus(caFile));
    }

    @Test
    void openSslLoads() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
                && System.getProperty("os.arch").equals("amd64"), "netty-tcnative is shipped for linux-x86_64 only");

        assertTrue(OpenSsl.isAvailable(), () -> "netty-tcnative did not load: " + OpenSsl.unavailabilityCause());
        assertEquals(SslProvider.OPENSSL, TlsContexts.preferredProvider());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void streamsOverTlsWithTheExtraCaAndSendsTheServerName(SslProvider engine) throws Exception {
        assumeTrue(engine != SslProvider.OPENSSL || OpenSsl.isAvailable(), "OpenSSL does not load on this platform");
        try (NettySseServer server = server(serverTls("localhost"))) {
            RecordingSink sink = stream(trustingTheTestCa(), server.baseUrl("https"), engine);

            assertInstanceOf(UpstreamEvent.Completed.class, sink.awaitTerminal());
            assertEquals("x", sink.text());
            assertEquals("localhost", server.serverName);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aServerTheSystemStoreDoesNotTrustIsRefused(SslProvider engine) throws Exception {
        assumeTrue(engine != SslProvider.OPENSSL || OpenSsl.isAvailable(), "OpenSSL does not load on this platform");
        try (NettySseServer server = server(serverTls("localhost"))) {
            UpstreamError error = stream(NettyTransport.Settings.defaults(), server.baseUrl("https"), engine).awaitFailure();

            assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, error.code());
            assertTrue(error.message().contains("SSLHandshakeException"), error.message());
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aCertificateForAnotherHostIsRefused(SslProvider engine) throws Exception {
        assumeTrue(engine != SslProvider.OPENSSL || OpenSsl.isAvailable(), "OpenSSL does not load on this platform");
        try (NettySseServer server = server(serverTls("api.example.com"))) {
            // The test CA is trusted: only the name (localhost, not api.example.com) can fail the handshake.
            UpstreamError error = stream(trustingTheTestCa(), server.baseUrl("https"), engine).awaitFailure();

            assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, error.code());
            assertTrue(error.message().contains("SSLHandshakeException"), error.message());
            assertEquals("localhost", server.serverName);
        }
    }
}
