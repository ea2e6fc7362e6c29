package io.streamgate.llm.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamTrust;
import io.streamgate.llm.openai.OpenAiProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to the provider: a test CA, trusted through the extra CA file; SNI and hostname verification. */
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

    private RecordingSink stream(NettyTransport.Settings settings, String baseUrl) throws Exception {
        try (NettyTransport transport = NettyTransport.create(loops, NioSocketChannel.class, NioDatagramChannel.class, settings)) {
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
    void streamsOverTlsWithTheExtraCaAndSendsTheServerName() throws Exception {
        try (NettySseServer server = server(serverTls("localhost"))) {
            RecordingSink sink = stream(trustingTheTestCa(), server.baseUrl("https"));

            assertInstanceOf(UpstreamEvent.Completed.class, sink.awaitTerminal());
            assertEquals("x", sink.text());
            assertEquals("localhost", server.serverName);
        }
    }

    @Test
    void aServerTheSystemStoreDoesNotTrustIsRefused() throws Exception {
        try (NettySseServer server = server(serverTls("localhost"))) {
            UpstreamError error = stream(NettyTransport.Settings.defaults(), server.baseUrl("https")).awaitFailure();

            assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, error.code());
            assertTrue(error.message().contains("SSLHandshakeException"), error.message());
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        try (NettySseServer server = server(serverTls("api.example.com"))) {
            UpstreamError error = stream(trustingTheTestCa(), server.baseUrl("https")).awaitFailure();

            assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, error.code());
        }
    }
}
