package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.HostilePaths;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.TestUpstream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Paths made to look like others, against a gateway with API keys, over real sockets: without a key each is 401
 * (the bypass this closes: {@code POST /%61pi/v1/conversations/x/stream} used to stream with no key), with a key each
 * is 400, and none reaches the provider.
 */
class EncodedPathsEndToEndTest {

    private static final String DONE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    private static TestUpstream upstream;
    private static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = new TestUpstream();
        upstream.always(TestUpstream.Reply.sse(DONE));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", "acme:key-acme");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<String> hostile() {
        return HostilePaths.ALL.stream();
    }

    private static void assertError(RawHttpClient r, int status, String code) throws Exception {
        assertEquals(status, r.status());
        String body = r.readBody();
        assertEquals(code, Json.string(Json.raw(body, "error"), "code"), body);
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void withoutAKeyIs401(String path) throws Exception {
        int before = upstream.requests().size();
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                .send("POST", path, message("hi")).readHead()) {
            assertError(r, 401, "unauthorized");
        }
        try (RawHttpClient r = RawHttpClient.connect(gateway.port()).send("GET", path, null).readHead()) {
            assertError(r, 401, "unauthorized");
        }
        assertEquals(before, upstream.requests().size(), "nothing reached the provider");
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void withAKeyIs400(String path) throws Exception {
        int before = upstream.requests().size();
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                .send("POST", path, message("hi"), "Authorization", "Bearer key-acme").readHead()) {
            assertError(r, 400, "invalid_path");
        }
        assertEquals(before, upstream.requests().size(), "nothing reached the provider");
    }

    @Test
    void theSamePathInNormalFormStreamsWithTheKey() throws Exception {
        try (RawHttpClient r = RawHttpClient.connect(gateway.port()).send("POST", "/api/v1/conversations/x/stream",
                message("hi"), "Authorization", "Bearer key-acme").readHead()) {
            assertEquals(200, r.status());
            StreamingEndToEndTest.assertContract(r.readAllEvents());
        }
    }
}
