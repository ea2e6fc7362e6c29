package io.streamgate.gateway.e2e;

import static io.streamgate.gateway.testing.GatewayUnderTest.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream.LiveStream;
import io.streamgate.gateway.testing.UpstreamAndGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Tokens counted per tenant and routed model, estimated when the provider says nothing, and the per-minute limit. */
class UsageEndToEndTest extends UpstreamAndGateway {

    private static final String KEYS = "acme:key-acme,globex:key-globex";
    private static final String[] FAST_SIMULATOR = {
        "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "0"};

    private static String delta(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    private String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.gate().metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of a series with all of {@code labels} ({@code name="value"}), or -1 when there is none. */
    private static double value(String metrics, String name, String... labels) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + "{") && List.of(labels).stream().allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    private RawHttpClient post(String tenant, String id) throws Exception {
        return RawHttpClient.connect(gateway.port())
                .send("POST", "/api/v1/conversations/" + id + "/stream", message("hello there gateway"),
                        "Authorization", "Bearer key-" + tenant)
                .readHead();
    }

    private String completeState(String tenant, String id) throws Exception {
        try (RawHttpClient r = post(tenant, id)) {
            assertEquals(200, r.status());
            List<SseParser.Event> events = r.readAllEvents();
            StreamingEndToEndTest.assertContract(events);
            return events.getLast().data();
        }
    }

    @Test
    void theProvidersUsageIsCountedPerTenantAndRoutedModel() throws Exception {
        gateway = GatewayUnderTest.start(null, withKeys(FAST_SIMULATOR));

        String complete = completeState("acme", "c1");

        String m = metrics();
        String[] acme = {"tenant=\"acme\"", "model=\"streamgate-sim\""};
        assertEquals(Json.number(complete, "total_tokens"),
                value(m, "llm_tokens_total", with(acme, "kind=\"completion\"")), m);
        assertEquals(Json.number(complete, "prompt_tokens"),
                value(m, "llm_tokens_total", with(acme, "kind=\"prompt\"")), m);
        assertEquals(-1, value(m, "llm_tokens_estimated_total", acme), "the simulator reports usage: " + m);
        assertEquals(-1, value(m, "llm_tokens_total", "tenant=\"globex\""), m);
    }

    @Test
    void aStreamCutByTheClientIsBilledWhatItGeneratedAsAnEstimate() throws Exception {
        gateway = GatewayUnderTest.start(upstream.baseUrl());
        var live = upstream.live();
        try (RawHttpClient client = gateway.stream("c1", message("tell me a long story"))) {
            LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.send(delta("Once upon a t"));
            List<SseParser.Event> seen = new ArrayList<>();
            while (seen.stream().noneMatch(e -> "Once upon a t".equals(Json.string(e.data(), "content")))) {
                List<SseParser.Event> more = client.readEvents();
                assertFalse(more.isEmpty());
                seen.addAll(more);
            }
        } // the client leaves: the provider sent no usage, so the gateway estimates it
        String[] cut = {"tenant=\"-\"", "model=\"default\"", "kind=\"completion\""};
        Await.until("the cut stream is billed", () -> {
            try {
                return value(metrics(), "llm_tokens_total", cut) >= 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String m = metrics();
        assertEquals(4, value(m, "llm_tokens_total", cut), "13 characters generated, 4 per token, rounded up: " + m);
        assertEquals(4, value(m, "llm_tokens_estimated_total", cut), m);
        double prompt = value(m, "llm_tokens_estimated_total", "tenant=\"-\"", "kind=\"prompt\"");
        assertTrue(prompt > 0, "the provider had the prompt: it is billed too\n" + m);
        assertEquals(prompt, value(m, "llm_tokens_total", "tenant=\"-\"", "kind=\"prompt\""), m);
    }

    @Test
    void aTenantOverItsTokensPerMinuteIsRefusedWithRetryAfterAndOthersAreNot() throws Exception {
        gateway = GatewayUnderTest.start(null, withKeys(with(FAST_SIMULATOR,
                "STREAMGATE_TENANT_TOKENS_PER_MINUTE", "20")));

        String complete = completeState("acme", "c1"); // admitted: nothing was spent yet
        assertTrue(Json.number(complete, "total_tokens") > 20, "the first answer overspends: " + complete);

        try (RawHttpClient refused = post("acme", "c2")) {
            assertEquals(429, refused.status());
            long retryAfter = Long.parseLong(refused.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "at most a minute's debt: " + retryAfter);
            String error = Json.raw(refused.readBody(), "error");
            assertEquals("rate_limited", Json.string(error, "code"));
            assertEquals("at most 20 tokens per minute per tenant", Json.string(error, "message"));
        }
        completeState("globex", "c3"); // another tenant's budget is its own
    }

    private static String[] withKeys(String... settings) {
        return with(settings, "STREAMGATE_API_KEYS", KEYS);
    }

    private static String[] with(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
