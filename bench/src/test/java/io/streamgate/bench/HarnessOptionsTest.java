package io.streamgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.bench.load.WireFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HarnessOptionsTest {

    @Test
    void noUpstreamClientAndNoTlsByDefault() {
        HarnessOptions o = HarnessOptions.parse(new String[0]);

        assertEquals(List.of(), o.upstreamClients(), "the gateway's own default");
        assertFalse(o.tls());
        assertFalse(o.gatewayJfr());
        assertNull(o.api(), "the conversation API");
    }

    @Test
    void sharedStateNamesTheEnginesOfASecondGatewayAndNeedsOneTheHarnessStarts() {
        assertEquals(List.of(), HarnessOptions.parse(new String[0]).sharedState());
        assertEquals(List.of("redis", "postgres"),
                HarnessOptions.parse(new String[] {"--shared-state", "Redis, postgres", "--profile", "heavy"}).sharedState());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HarnessOptions.parse(new String[] {"--shared-state", "valkey"}));
        assertTrue(e.getMessage().startsWith("--shared-state takes redis, postgres"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--shared-state", "redis,redis"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--shared-state", "redis", "--gateway-url", "http://127.0.0.1:8080"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--shared-state", "redis", "--profile", "hold"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--shared-state", "redis", "--history-flood", "2"}));
    }

    @Test
    void apiNamesTheDropInDialectAndItsWireFormat() {
        HarnessOptions openai = HarnessOptions.parse(new String[] {"--api", "openai", "--upstream-client", "okhttp,netty"});
        HarnessOptions anthropic = HarnessOptions.parse(new String[] {"--api", "Anthropic", "--nginx"});

        assertEquals(DropInApi.OPENAI, openai.api());
        assertEquals(List.of("okhttp", "netty"), openai.upstreamClients());
        assertEquals(WireFormat.OPENAI_CHUNKS, openai.api().format);
        assertEquals(Map.of(), openai.api().gatewayEnv, "the gateway's default upstream kind is OpenAI's");
        assertEquals(DropInApi.ANTHROPIC, anthropic.api());
        assertEquals(WireFormat.ANTHROPIC_EVENTS, anthropic.api().format);
        assertEquals("anthropic", anthropic.api().gatewayEnv.get("STREAMGATE_UPSTREAM_KIND"));
        assertNotNull(anthropic.api().gatewayEnv.get("STREAMGATE_MODEL"), "the Messages API has no default model");
    }

    @Test
    void apiRefusesUnknownDialectsAndTheConversationOnlyModes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HarnessOptions.parse(new String[] {"--api", "gemini"}));
        assertTrue(e.getMessage().startsWith("--api takes openai or anthropic"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {"--api"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--api", "openai", "--history-flood", "4"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--api", "anthropic", "--follow-ups"}));
    }

    @Test
    void anthropicEventsAreClassifiedForFirstContentEndAndFailure() throws Exception {
        WireFormat f = WireFormat.ANTHROPIC_EVENTS;

        assertEquals(WireFormat.Kind.OTHER, f.classify("{\"type\":\"message_start\",\"message\":{\"id\":\"m\","
                + "\"content\":[],\"usage\":{\"input_tokens\":3}}}"));
        assertEquals(WireFormat.Kind.OTHER, f.classify("{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        assertEquals(WireFormat.Kind.OTHER, f.classify("{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"\"}}"), "empty text is not content");
        assertEquals(WireFormat.Kind.OTHER, f.classify("{\"type\":\"content_block_delta\",\"index\":1,"
                + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\"\"}}"));
        assertEquals(WireFormat.Kind.CONTENT, f.classify("{\"index\":0,\"delta\":{\"type\":\"text_delta\","
                + "\"text\":\"Hi\"},\"type\":\"content_block_delta\"}"), "type may come after delta");
        assertEquals(WireFormat.Kind.OTHER, f.classify("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                + "\"end_turn\"},\"usage\":{\"output_tokens\":2}}"));
        assertEquals(WireFormat.Kind.END, f.classify("{\"type\":\"message_stop\"}"));
        String error = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}";
        assertEquals(WireFormat.Kind.FAILURE, f.classify(error));
        assertEquals("overloaded_error", WireFormat.errorCode(error));
        assertEquals(WireFormat.Kind.MALFORMED, f.classify("[1]"));
        assertEquals(WireFormat.Kind.MALFORMED, f.classify("{\"delta\":{\"text\":\"x\"}}"));
        assertEquals("[DONE]", WireFormat.OPENAI_CHUNKS.endMarker());
        assertEquals("message_stop", f.endMarker());
        assertEquals("/messages", f.path("ignored"));
    }

    @Test
    void oneOrSeveralUpstreamClientsInTheOrderGiven() {
        assertEquals(List.of("netty"), HarnessOptions.parse(new String[] {"--upstream-client", "netty"}).upstreamClients());
        assertEquals(List.of("okhttp", "netty"),
                HarnessOptions.parse(new String[] {"--upstream-client", "OkHttp, netty"}).upstreamClients());
        assertTrue(HarnessOptions.parse(new String[] {"--tls", "--profile", "hold"}).tls());
        assertTrue(HarnessOptions.parse(new String[] {"--gateway-jfr"}).gatewayJfr());
    }

    @Test
    void unknownOrRepeatedClientsAreRefused() {
        for (String value : List.of("grpc", "okhttp,okhttp", ",", "okhttp,")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HarnessOptions.parse(new String[] {"--upstream-client", value}), value);
            assertTrue(e.getMessage().startsWith("--upstream-client takes okhttp, netty"), e.getMessage());
        }
    }

    @Test
    void combinationsThatCannotWorkAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--profile", "hold", "--upstream-client", "okhttp,netty"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--history-flood", "4", "--upstream-client", "okhttp,netty"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--gateway-url", "http://127.0.0.1:8080", "--tls"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--gateway-url", "http://127.0.0.1:8080", "--upstream-client", "netty"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--upstream-url", "https://127.0.0.1:9443/v1", "--tls"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--gateway-url", "http://127.0.0.1:8080", "--gateway-jfr"}));
    }

    @Test
    void cacheTakesOneModeForEveryGatewayOrSeveralSideBySide() {
        HarnessOptions none = HarnessOptions.parse(new String[0]);
        assertEquals(List.of(), none.cacheModes(), "not set: the environment's or the gateway's default");
        assertFalse(none.cacheHits());
        assertEquals(50, none.effectiveFirstTokenMs(), "the light profile's");

        HarnessOptions hits = HarnessOptions.parse(new String[] {"--cache", "Off,exact", "--cache-hits",
                "--first-token-ms", "0"});
        assertEquals(List.of("off", "exact"), hits.cacheModes());
        assertTrue(hits.cacheHits());
        assertEquals(0, hits.effectiveFirstTokenMs(), "zero: a provider that answers at once");
        assertEquals(List.of("semantic"), HarnessOptions.parse(new String[] {"--cache", "semantic", "--shared-state",
                "redis"}).cacheModes(), "one mode applies to every gateway, shared state or not");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HarnessOptions.parse(new String[] {"--cache", "lru"}));
        assertTrue(e.getMessage().startsWith("--cache takes off, exact, semantic"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--first-token-ms", "-1"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--first-token-ms", "0", "--upstream-url", "http://127.0.0.1:9000/v1"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--cache", "exact", "--gateway-url", "http://127.0.0.1:8080"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--cache", "off,exact", "--shared-state", "redis"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--cache", "off,exact", "--upstream-client", "okhttp,netty"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--cache", "off,exact", "--profile", "hold"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--cache-hits", "--follow-ups"}));
    }

    @Test
    void allNewQuestionsForASemanticCacheMustNotRunOutOfTheList() {
        int questions = HarnessOptions.QUESTIONS.size();
        // light: 100 streams, one warm-up round before them: 200 new questions
        assertEquals(List.of("off", "semantic"),
                HarnessOptions.parse(new String[] {"--cache", "off,semantic"}).cacheModes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(
                new String[] {"--cache", "off,semantic", "--streams", Integer.toString(questions / 2 + 1)}));
        assertTrue(e.getMessage().contains("use --streams " + questions / 2 + " or fewer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--cache", "semantic", "--profile", "heavy"}));
        assertTrue(HarnessOptions.parse(new String[] {"--cache", "semantic", "--profile", "heavy", "--cache-hits"})
                .cacheHits(), "hits repeat a few questions: no limit");
        assertEquals(List.of("exact"), HarnessOptions.parse(new String[] {"--cache", "exact", "--profile", "heavy"})
                .cacheModes(), "an exact cache misses on the list's later rounds too");
    }
}
