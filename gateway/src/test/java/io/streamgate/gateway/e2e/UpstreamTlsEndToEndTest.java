package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider behind a private certificate authority: reachable over TLS only when {@code STREAMGATE_UPSTREAM_CA_FILE}
 * names that CA, and refused (with the stream's one error event) when it does not.
 */
class UpstreamTlsEndToEndTest {

    private static final String ANSWER = """
            data: {"choices":[{"index":0,"delta":{"content":"over"},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{"content":" TLS"},"finish_reason":"stop"}]}

            data: [DONE]

            """;

    @TempDir
    Path dir;

    private final HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).build();
    private final TestUpstream upstream = new TestUpstream(serverContext(ca));
    private GatewayUnderTest gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    @Test
    void aProviderSignedByTheConfiguredCaStreams() throws Exception {
        upstream.always(Reply.sse(ANSWER));
        Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_UPSTREAM_CA_FILE", caFile.toString());

        List<SseParser.Event> events = stream();

        List<String> types = events.stream().map(e -> Json.string(e.data(), "type")).toList();
        assertEquals("complete_state", types.getLast(), types.toString());
        assertEquals("over TLS", events.stream()
                .filter(e -> "message_chunk".equals(Json.string(e.data(), "type")))
                .map(e -> Json.string(e.data(), "content"))
                .reduce("", String::concat));
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void withoutTheCaFileTheSameProviderIsRefused() throws Exception {
        upstream.always(Reply.sse(ANSWER));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_UPSTREAM_MAX_ATTEMPTS", "1");

        List<SseParser.Event> events = stream();

        String last = events.getLast().data();
        assertEquals("error", Json.string(last, "type"), events.toString());
        assertTrue(Set.of("upstream_unavailable", "upstream_error").contains(Json.string(last, "code")), last);
        assertEquals(List.of(), upstream.requests(), "no request is sent to an untrusted provider");
    }

    private List<SseParser.Event> stream() throws Exception {
        try (RawHttpClient client = gateway.stream("c1", message("hi"))) {
            assertEquals(200, client.status());
            return client.readAllEvents();
        }
    }

    /** A certificate for localhost signed by {@code ca}, served with its chain. */
    private static SslContext serverContext(HeldCertificate ca) {
        HeldCertificate localhost = new HeldCertificate.Builder()
                .addSubjectAlternativeName("localhost").signedBy(ca).build();
        try {
            return SslContextBuilder.forServer(localhost.keyPair().getPrivate(), localhost.certificate(), ca.certificate())
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }
}
