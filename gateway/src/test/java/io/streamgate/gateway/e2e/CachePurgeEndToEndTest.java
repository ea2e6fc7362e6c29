package io.streamgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.HostilePaths;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE /admin/v1/cache/tenants/{tenant}} over real sockets: the admin key purges exactly that tenant's
 * entries; no other credential and no other spelling of the path purges anything.
 */
class CachePurgeEndToEndTest extends UpstreamAndGateway {

    private static final String KEYS = "acme:key-acme,globex:key-globex";
    private static final String ADMIN_KEY = "admin-key-0123456789";
    private static final String PURGE_ACME = "/admin/v1/cache/tenants/acme";

    private void start(String... settings) {
        List<String> all = new ArrayList<>(List.of("STREAMGATE_API_KEYS", KEYS, "STREAMGATE_ADMIN_KEY", ADMIN_KEY,
                "STREAMGATE_CACHE", "exact"));
        all.addAll(List.of(settings));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), all.toArray(String[]::new));
    }

    /** Asks {@code question} as {@code tenant} (null: no key) in a fresh conversation; whether it was a hit. */
    private boolean askedFromCache(String tenant, String question) throws Exception {
        String conversation = "c" + upstream.requests().size() + "-" + System.nanoTime();
        String[] headers = tenant == null ? new String[0] : new String[] {"Authorization", "Bearer key-" + tenant};
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                .send("POST", "/api/v1/conversations/" + conversation + "/stream",
                        GatewayUnderTest.message(question), headers)
                .readHead()) {
            assertEquals(200, r.status());
            List<SseParser.Event> events = r.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            return Json.bool(events.getLast().data(), "cached");
        }
    }

    private record Answer(int status, String body) {
        String code() {
            return Json.string(Json.raw(body, "error"), "code");
        }
    }

    private Answer send(String method, String target, String... headers) throws Exception {
        try (RawHttpClient r = RawHttpClient.connect(gateway.port()).send(method, target, null, headers).readHead()) {
            return new Answer(r.status(), r.readBody());
        }
    }

    private Answer purge(String target, String authorization) throws Exception {
        return authorization == null ? send("DELETE", target) : send("DELETE", target, "Authorization", authorization);
    }

    @Test
    void theAdminKeyPurgesThatTenantsEntriesAndNoOneElses() throws Exception {
        upstream.always(TestUpstream.Reply.sse(AnswerCacheEndToEndTest.answer("Paris.")));
        start();
        assertFalse(askedFromCache("acme", "capital of France?"));
        assertFalse(askedFromCache("acme", "capital of Spain?"));
        assertFalse(askedFromCache("globex", "capital of France?"));
        assertTrue(askedFromCache("acme", "capital of France?"), "stored before the purge");
        assertEquals(3, upstream.requests().size());

        Answer purged = purge(PURGE_ACME, "Bearer " + ADMIN_KEY);
        assertEquals(200, purged.status(), purged.body());
        assertEquals(2, Json.number(purged.body(), "purged"), purged.body());
        assertEquals("tenant", Json.string(purged.body(), "scope"));
        assertEquals("acme", Json.string(purged.body(), "tenant"));

        assertFalse(askedFromCache("acme", "capital of France?"), "acme's entries are gone");
        assertEquals(4, upstream.requests().size());
        assertTrue(askedFromCache("globex", "capital of France?"), "globex's entry is untouched");
        assertEquals(4, upstream.requests().size());

        Answer again = purge("/admin/v1/cache/tenants/nobody-here", "bearer  " + ADMIN_KEY + " ");
        assertEquals(200, again.status(), again.body());
        assertEquals(0, Json.number(again.body(), "purged"), "an unknown tenant has nothing to purge");
    }

    @Test
    void noOtherCredentialPurgesAnything() throws Exception {
        upstream.always(TestUpstream.Reply.sse(AnswerCacheEndToEndTest.answer("yes")));
        start();
        askedFromCache("acme", "is it safe?");

        for (String wrong : new String[] {null, "Bearer " + ADMIN_KEY + "x", "Bearer admin-key", ADMIN_KEY,
                "Basic " + ADMIN_KEY}) {
            Answer refused = purge(PURGE_ACME, wrong);
            assertEquals(401, refused.status(), wrong + ": " + refused.body());
            assertEquals("unauthorized", refused.code());
        }
        Answer asXApiKey = send("DELETE", PURGE_ACME, "x-api-key", ADMIN_KEY);
        assertEquals(401, asXApiKey.status(), "the admin key is a bearer token only");

        for (String tenantKey : new String[] {"Bearer key-acme", "Bearer key-globex"}) {
            Answer forbidden = purge(PURGE_ACME, tenantKey);
            assertEquals(403, forbidden.status(), forbidden.body());
            assertEquals("forbidden", forbidden.code());
        }
        Answer forbidden = send("DELETE", PURGE_ACME, "x-api-key", "key-acme");
        assertEquals(403, forbidden.status(), "a tenant key in the Anthropic header is a tenant key too");

        // The admin key is no tenant's: it opens no tenant route.
        try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                .send("POST", "/api/v1/conversations/x/stream", GatewayUnderTest.message("is it safe?"),
                        "Authorization", "Bearer " + ADMIN_KEY)
                .readHead()) {
            assertEquals(401, r.status());
        }
        assertTrue(askedFromCache("acme", "is it safe?"), "nothing was purged");
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void noOtherSpellingOfThePathPurgesAnything() throws Exception {
        upstream.always(TestUpstream.Reply.sse(AnswerCacheEndToEndTest.answer("yes")));
        start();
        askedFromCache("acme", "is it safe?");
        for (String target : HostilePaths.ADMIN) {
            Answer refused = purge(target, "Bearer " + ADMIN_KEY);
            // Not normal form: judged as a tenant route, where the admin key is no key (401); never 2xx.
            assertTrue(refused.status() == 401 || refused.status() == 400, target + ": " + refused);
            Answer withTenantKey = purge(target, "Bearer key-acme");
            assertEquals(400, withTenantKey.status(), target + ": " + withTenantKey);
            assertEquals("invalid_path", withTenantKey.code());
        }
        assertTrue(askedFromCache("acme", "is it safe?"), "nothing was purged");
    }

    @Test
    void aTenantNameThatIsNoneIsRefusedAndNotEchoed() throws Exception {
        start();
        for (String tenant : new String[] {"a*b", "x".repeat(65), "a,b", "a+b", "a@b", "a'b"}) {
            Answer refused = purge("/admin/v1/cache/tenants/" + tenant, "Bearer " + ADMIN_KEY);
            assertEquals(400, refused.status(), tenant + ": " + refused.body());
            assertEquals("invalid_tenant", refused.code());
            assertFalse(refused.body().contains(tenant), refused.body());
        }
        Answer wrongMethod = send("GET", PURGE_ACME, "Authorization", "Bearer " + ADMIN_KEY);
        assertEquals(405, wrongMethod.status());
        Answer unknown = send("DELETE", "/admin/v1/cache", "Authorization", "Bearer " + ADMIN_KEY);
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.code());
    }

    @Test
    void withAGlobalScopeEveryEntryGoesAndTheAnswerSaysSo() throws Exception {
        upstream.always(TestUpstream.Reply.sse(AnswerCacheEndToEndTest.answer("shared")));
        start("STREAMGATE_CACHE_SCOPE", "global");
        askedFromCache("acme", "one?");
        askedFromCache("globex", "two?");
        assertTrue(askedFromCache("globex", "one?"), "the entries are shared");

        Answer purged = purge(PURGE_ACME, "Bearer " + ADMIN_KEY);
        assertEquals(200, purged.status(), purged.body());
        assertEquals(2, Json.number(purged.body(), "purged"));
        assertEquals("global", Json.string(purged.body(), "scope"));
        assertFalse(Json.has(purged.body(), "tenant"));
        assertFalse(askedFromCache("globex", "two?"));
    }

    @Test
    void withTheCacheOffThereIsNothingToPurge() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS,
                "STREAMGATE_ADMIN_KEY", ADMIN_KEY);
        Answer off = purge(PURGE_ACME, "Bearer " + ADMIN_KEY);
        assertEquals(404, off.status());
        assertEquals("cache_off", off.code());
    }

    @Test
    void withoutAnAdminKeyTheRoutesAreOffForTenants() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_API_KEYS", KEYS, "STREAMGATE_CACHE", "exact");
        Answer off = purge(PURGE_ACME, "Bearer key-acme");
        assertEquals(404, off.status());
        assertEquals("not_found", off.code());
        assertEquals(401, purge(PURGE_ACME, null).status(), "without a key: 401, as on every route");
    }

    @Test
    void inLoopbackModeWithoutAnAdminKeyThisMachineMayPurge() throws Exception {
        upstream.always(TestUpstream.Reply.sse(AnswerCacheEndToEndTest.answer("local")));
        gateway = GatewayUnderTest.start(upstream.baseUrl(), "STREAMGATE_CACHE", "exact");
        askedFromCache(null, "here?");
        assertTrue(askedFromCache(null, "here?"));
        Answer purged = purge("/admin/v1/cache/tenants/-", null); // the one tenant of a keyless gateway
        assertEquals(200, purged.status(), purged.body());
        assertEquals(1, Json.number(purged.body(), "purged"));
        assertFalse(askedFromCache(null, "here?"));
    }

    @Test
    void aShortAdminKeyOrOneThatIsAlsoATenantsStopsTheStart() {
        for (String admin : new String[] {"too-short", "key-acme-0123456789"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> GatewayUnderTest.start(upstream.baseUrl(),
                    "STREAMGATE_API_KEYS", KEYS + ",initech:key-acme-0123456789", "STREAMGATE_ADMIN_KEY", admin));
            assertTrue(e.getMessage().startsWith("STREAMGATE_ADMIN_KEY"), e.getMessage());
            assertFalse(e.getMessage().contains(admin), "the key is never echoed: " + e.getMessage());
        }
    }
}
