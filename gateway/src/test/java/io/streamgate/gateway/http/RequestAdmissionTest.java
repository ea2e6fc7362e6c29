package io.streamgate.gateway.http;

import io.streamgate.gateway.testing.Outbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.streamgate.gateway.auth.AdminKey;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.testing.HostilePaths;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The admission decisions on a real codec and aggregator, with a recording handler in the router's place: what
 * the router would be given, and what it never sees.
 */
class RequestAdmissionTest {

    private static final ApiKeys KEYS = ApiKeys.parse("acme:key-acme,globex:key-globex");
    private static final String BODY = "{\"message\":\"hi\"}";

    /** What reached the router's place: the admitted path and tenant of each complete request. */
    private final List<AdmittedRequest> routed = new ArrayList<>();

    private static final String ADMIN_KEY = "admin-key-0123456789";
    private static final AdminKey ADMIN = AdminKey.parse(ADMIN_KEY, KEYS);
    private static final String PURGE = "/admin/v1/cache/tenants/acme";

    private EmbeddedChannel gateway(ApiKeys keys) {
        return gateway(keys, AdminKey.none());
    }

    private EmbeddedChannel gateway(ApiKeys keys, AdminKey admin) {
        return new EmbeddedChannel(
                new HttpServerCodec(),
                new HttpServerKeepAliveHandler(),
                new RequestAdmission(keys, admin, !keys.enabled()),
                new BodyLimitAggregator(1 << 20),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        AdmittedRequest admitted = AdmittedRequest.take(ctx.channel());
                        assertNull(AdmittedRequest.take(ctx.channel()), "taken once");
                        routed.add(admitted);
                    }
                });
    }

    private static String post(String target, String... headers) {
        return request("POST", target, BODY, headers);
    }

    private static String request(String method, String target, String body, String... headers) {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        return head.append("\r\n").append(body == null ? "" : body).toString();
    }

    /** Sends raw request bytes; returns everything the gateway wrote back, as text. */
    private static String exchange(EmbeddedChannel ch, String raw) {
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
        return Outbound.text(ch);
    }

    private static void assertStatus(int status, String code, String response) {
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        if (code != null) {
            assertTrue(response.contains("\"code\":\"" + code + "\""), response);
        }
    }

    static Stream<String> hostile() {
        return HostilePaths.ALL.stream();
    }

    static Stream<String> hostileAdmin() {
        return HostilePaths.ADMIN.stream();
    }

    private static String delete(String target, String... headers) {
        return request("DELETE", target, null, headers);
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void withoutAKeyEveryHostileShapeIs401AndNeverReachesTheRouter(String target) {
        EmbeddedChannel ch = gateway(KEYS);
        String response = exchange(ch, post(target, "Host", "gw.example"));
        assertStatus(401, "unauthorized", response);
        assertTrue(response.contains("www-authenticate: Bearer"), response);
        assertEquals(List.of(), routed);
        assertFalse(ch.isOpen(), "a refused request whose body was announced closes the connection");
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void withAKeyEveryHostileShapeIs400AndNeverReachesTheRouter(String target) {
        EmbeddedChannel ch = gateway(KEYS);
        String response = exchange(ch, post(target, "Host", "gw.example", "Authorization", "Bearer key-acme"));
        assertStatus(400, "invalid_path", response);
        assertEquals(List.of(), routed);
        ch.finishAndReleaseAll();
    }

    @Test
    void anAdmittedRequestReachesTheRouterWithItsPathAndTenant() {
        EmbeddedChannel ch = gateway(KEYS);
        String response = exchange(ch, post("/api/v1/conversations/c1/stream?last_event_id=3",
                "Host", "gw.example", "Authorization", "bearer  key-globex "));
        assertEquals("", response, "the router answers, not admission");
        assertEquals(List.of(new AdmittedRequest(
                new RequestPath("/api/v1/conversations/c1/stream", "last_event_id=3"), "globex")), routed);
        ch.finishAndReleaseAll();
    }

    @Test
    void theAnthropicSdksXApiKeyIsAcceptedLikeABearerKey() {
        EmbeddedChannel ch = gateway(KEYS);
        assertEquals("", exchange(ch, post("/v1/messages", "Host", "gw.example", "x-api-key", "key-acme")));
        assertEquals(List.of(new AdmittedRequest(new RequestPath("/v1/messages", ""), "acme")), routed);
        ch.finishAndReleaseAll();
    }

    @Test
    void anAuthorizationHeaderIsJudgedAloneEvenBesideAValidXApiKey() {
        EmbeddedChannel ch = gateway(KEYS);
        String response = exchange(ch, post("/v1/messages", "Host", "gw.example",
                "Authorization", "Bearer not-a-key", "x-api-key", "key-acme"));
        assertStatus(401, null, response);
        assertEquals(List.of(), routed);
        ch.finishAndReleaseAll();
    }

    @Test
    void onTheDropInPathsA401IsInTheClientsDialect() {
        EmbeddedChannel ch = gateway(KEYS);
        String anthropic = exchange(ch, post("/v1/messages", "Host", "gw.example", "x-api-key", "wrong"));
        assertStatus(401, null, anthropic);
        assertTrue(anthropic.contains("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","), anthropic);
        ch.finishAndReleaseAll();

        ch = gateway(KEYS);
        String openAi = exchange(ch, post("/v1/chat/completions", "Host", "gw.example", "Authorization", "Bearer wrong"));
        assertStatus(401, "invalid_api_key", openAi);
        assertTrue(openAi.contains("\"type\":\"invalid_request_error\""), openAi);
        ch.finishAndReleaseAll();

        ch = gateway(KEYS);
        String models = exchange(ch, request("GET", "/v1/models", null, "Host", "gw.example",
                "anthropic-version", "2023-06-01"));
        assertTrue(models.contains("\"authentication_error\""), models);
        ch.finishAndReleaseAll();
    }

    @Test
    void onlyThePageAndHealthChecksAreOpen() {
        EmbeddedChannel ch = gateway(KEYS);
        for (String open : List.of("/", "/index.html", "/healthz", "/readyz?verbose=1")) {
            assertEquals("", exchange(ch, request("GET", open, null, "Host", "gw.example")), open);
        }
        assertEquals(4, routed.size());
        assertTrue(routed.stream().allMatch(r -> r.tenant().equals(ApiKeys.ANONYMOUS)));
        for (String closed : List.of("/v1/models", "/metrics", "/api/v1/conversations/c1", "/healthz/", "/HEALTHZ",
                "/index.htm")) {
            // /v1/models is a drop-in path: its 401 is in the OpenAI dialect (no anthropic-version header here).
            assertStatus(401, closed.equals("/v1/models") ? "invalid_api_key" : "unauthorized",
                    exchange(ch, request("GET", closed, null, "Host", "gw.example")));
        }
        assertStatus(401, "unauthorized", exchange(ch, request("OPTIONS", "/api/v1/conversations/c1/stream", null,
                "Host", "gw.example")));
        assertEquals(4, routed.size());
        assertTrue(ch.isOpen(), "refusing a request without a body keeps the connection");
        ch.finishAndReleaseAll();
    }

    @Test
    void nothingFromAnEarlierRequestOnTheConnectionIsReused() {
        EmbeddedChannel ch = gateway(KEYS);
        exchange(ch, request("GET", "/api/v1/conversations/c1", null, "Host", "gw.example",
                "Authorization", "Bearer key-acme"));
        assertEquals("acme", routed.getFirst().tenant());
        assertStatus(401, "unauthorized", exchange(ch, request("GET", "/api/v1/conversations/c1", null,
                "Host", "gw.example")));
        assertStatus(401, "unauthorized", exchange(ch, request("GET", "/%61pi/v1/conversations/c1", null,
                "Host", "gw.example")));
        assertEquals(1, routed.size());
        assertNull(AdmittedRequest.take(ch), "a refused head leaves no decision behind");
        ch.finishAndReleaseAll();
    }

    @Test
    void anUnauthenticatedBodyIsNeverBuffered() {
        EmbeddedChannel ch = gateway(KEYS);
        String head = "POST /api/v1/conversations/c1/stream HTTP/1.1\r\nHost: gw.example\r\n"
                + "Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n";
        String response = exchange(ch, head);
        assertStatus(401, "unauthorized", response);
        assertTrue(response.contains("connection: close"), response);
        assertFalse(ch.isOpen(), "answered on the head, before a byte of the body");
        assertEquals(List.of(), routed);
        ch.finishAndReleaseAll();
    }

    @Test
    void aMalformedHeadIsAnsweredHereAndClosed() {
        EmbeddedChannel ch = gateway(KEYS);
        assertStatus(400, "bad_request", exchange(ch, "GET /a b c HTTP/1.1\r\nHost: gw.example\r\n\r\n"));
        assertFalse(ch.isOpen());
        assertEquals(List.of(), routed);
        ch.finishAndReleaseAll();
    }

    @Test
    void inLoopbackModeTheHostMustNameLoopback() {
        EmbeddedChannel ch = gateway(ApiKeys.none());
        assertStatus(403, "host_not_allowed", exchange(ch, request("GET", "/healthz", null, "Host", "evil.example")));
        assertStatus(403, "host_not_allowed", exchange(ch, request("GET", "/api/v1/conversations/c1", null,
                "Host", "evil.example:8080")));
        assertEquals(List.of(), routed);
        for (String host : List.of("localhost:8080", "127.0.0.1", "[::1]:1")) {
            assertEquals("", exchange(ch, request("GET", "/api/v1/conversations/c1", null, "Host", host)), host);
        }
        assertEquals(3, routed.size());
        assertTrue(routed.stream().allMatch(r -> r.tenant().equals(ApiKeys.ANONYMOUS)));
        // HTTP/1.0 may leave the Host out, but then nothing says the request is meant for loopback.
        assertStatus(403, "host_not_allowed", exchange(ch, "GET /healthz HTTP/1.0\r\n\r\n"));
        assertEquals(3, routed.size());
        ch.finishAndReleaseAll();
    }

    @Test
    void anHttp11RequestNeedsExactlyOneHost() {
        EmbeddedChannel keyed = gateway(KEYS);
        assertStatus(400, "bad_request", exchange(keyed, "GET /healthz HTTP/1.1\r\n\r\n"));
        assertStatus(400, "bad_request", exchange(keyed, "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        assertEquals(List.of(), routed);
        assertEquals("", exchange(keyed, "GET /healthz HTTP/1.0\r\n\r\n"), "HTTP/1.0 may leave it out");
        assertEquals(1, routed.size());
        keyed.finishAndReleaseAll();
        EmbeddedChannel loopback = gateway(ApiKeys.none());
        assertStatus(400, "bad_request", exchange(loopback, "GET /healthz HTTP/1.1\r\n\r\n"));
        loopback.finishAndReleaseAll();
    }

    @Test
    void theAdminKeyAdmitsAnAdminRouteAsAdmin() {
        EmbeddedChannel ch = gateway(KEYS, ADMIN);
        assertEquals("", exchange(ch, delete(PURGE, "Host", "gw.example", "Authorization", "Bearer " + ADMIN_KEY)));
        assertEquals(List.of(new AdmittedRequest(new RequestPath(PURGE, ""), ApiKeys.ANONYMOUS, true)), routed);
        ch.finishAndReleaseAll();
    }

    @Test
    void aTenantKeyNeverReachesAnAdminRoute() {
        EmbeddedChannel ch = gateway(KEYS, ADMIN);
        assertStatus(403, "forbidden", exchange(ch, delete(PURGE, "Host", "gw.example", "Authorization",
                "Bearer key-acme")));
        assertStatus(403, "forbidden", exchange(ch, delete(PURGE, "Host", "gw.example", "x-api-key", "key-acme")));
        for (String wrong : List.of("Bearer wrong", "Bearer " + ADMIN_KEY.substring(1), ADMIN_KEY)) {
            String response = exchange(ch, delete(PURGE, "Host", "gw.example", "Authorization", wrong));
            assertStatus(401, "unauthorized", response);
            assertTrue(response.contains("www-authenticate: Bearer"), response);
        }
        assertStatus(401, "unauthorized", exchange(ch, delete("/admin", "Host", "gw.example")));
        assertEquals(List.of(), routed);
        // Admin routes only: the admin key is no tenant's key.
        assertStatus(401, "unauthorized", exchange(ch, request("GET", "/api/v1/conversations/c1", null,
                "Host", "gw.example", "Authorization", "Bearer " + ADMIN_KEY)));
        // Only /admin and what is under it: a path that merely starts alike is a tenant route.
        assertEquals("", exchange(ch, delete("/administrator", "Host", "gw.example", "Authorization",
                "Bearer key-acme")));
        assertEquals(List.of(new AdmittedRequest(new RequestPath("/administrator", ""), "acme")), routed);
        ch.finishAndReleaseAll();
    }

    @Test
    void withKeysButNoAdminKeyTheAdminRoutesAreOff() {
        EmbeddedChannel ch = gateway(KEYS);
        assertStatus(404, "not_found", exchange(ch, delete(PURGE, "Host", "gw.example", "Authorization",
                "Bearer key-acme")));
        assertStatus(401, "unauthorized", exchange(ch, delete(PURGE, "Host", "gw.example")));
        assertEquals(List.of(), routed);
        ch.finishAndReleaseAll();
    }

    @Test
    void inLoopbackModeTheAdminRoutesAreOpenUnlessAnAdminKeyIsSet() {
        EmbeddedChannel open = gateway(ApiKeys.none());
        assertStatus(403, "host_not_allowed", exchange(open, delete(PURGE, "Host", "evil.example")));
        assertEquals("", exchange(open, delete(PURGE, "Host", "127.0.0.1")));
        assertEquals(List.of(new AdmittedRequest(new RequestPath(PURGE, ""), ApiKeys.ANONYMOUS, true)), routed);
        open.finishAndReleaseAll();
        routed.clear();

        EmbeddedChannel keyed = gateway(ApiKeys.none(), AdminKey.parse(ADMIN_KEY, ApiKeys.none()));
        assertStatus(401, "unauthorized", exchange(keyed, delete(PURGE, "Host", "127.0.0.1")));
        assertEquals(List.of(), routed);
        assertEquals("", exchange(keyed, delete(PURGE, "Host", "127.0.0.1", "Authorization", "Bearer " + ADMIN_KEY)));
        assertTrue(routed.getFirst().admin());
        assertEquals("", exchange(keyed, request("GET", "/api/v1/conversations/c1", null, "Host", "127.0.0.1")));
        assertFalse(routed.getLast().admin(), "a tenant route is never admitted as admin");
        keyed.finishAndReleaseAll();
    }

    @ParameterizedTest
    @MethodSource("hostileAdmin")
    void noOtherSpellingOfAnAdminRouteIsAdmitted(String target) {
        EmbeddedChannel ch = gateway(KEYS, ADMIN);
        assertStatus(401, "unauthorized", exchange(ch, delete(target, "Host", "gw.example",
                "Authorization", "Bearer " + ADMIN_KEY)));
        assertStatus(400, "invalid_path", exchange(ch, delete(target, "Host", "gw.example",
                "Authorization", "Bearer key-acme")));
        ch.finishAndReleaseAll();
        EmbeddedChannel loopback = gateway(ApiKeys.none());
        assertStatus(400, "invalid_path", exchange(loopback, delete(target, "Host", "127.0.0.1")));
        loopback.finishAndReleaseAll();
        assertEquals(List.of(), routed);
    }
}
