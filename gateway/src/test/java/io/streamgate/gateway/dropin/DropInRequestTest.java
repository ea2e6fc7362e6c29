package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.gateway.stream.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropInRequestTest {

    private static DropInRequest read(Dialect dialect, String body, HttpHeaders headers) {
        return DropInRequest.read(dialect, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static DropInRequest read(Dialect dialect, String body) {
        return read(dialect, body, new DefaultHttpHeaders());
    }

    private static String rewritten(DropInRequest request, String model) {
        return new String(PassThroughBody.rewrite(request, model), StandardCharsets.UTF_8);
    }

    @Test
    void readsWhatRoutingAndRelayingNeed() {
        DropInRequest r = read(Dialect.OPENAI,
                "{\"model\":\"gpt-x\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}");
        assertEquals("gpt-x", r.model());
        assertTrue(r.stream());
        assertTrue(r.includeUsage());
        assertFalse(read(Dialect.OPENAI, "{\"model\":\"m\",\"stream_options\":null}").includeUsage());
        assertFalse(read(Dialect.ANTHROPIC, "{\"model\":\"m\"}").stream());
    }

    @Test
    void refusesWhatCannotBeRoutedSafely() {
        for (String body : new String[] {
            "[]", "{\"model\":1}", "{}", "{\"model\":\"\"}", "{\"model\":\"a\"} {}", "{\"model\":\"a\",\"stream\":\"yes\"}",
            "{\"model\":\"a\",\"model\":\"b\"}", // two models: routed on one, read by the provider as the other
            "{\"model\":\"" + "m".repeat(257) + "\"}", "not json"}) {
            assertThrows(BadRequestException.class, () -> read(Dialect.OPENAI, body), body);
        }
    }

    @Test
    void passesOnOnlyTheAnthropicVersionHeaders() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .set("anthropic-version", "2023-06-01")
                .set("anthropic-beta", "b1")
                .set("x-api-key", "secret")
                .set("authorization", "Bearer secret");
        assertEquals(Map.of("anthropic-version", "2023-06-01", "anthropic-beta", "b1"),
                read(Dialect.ANTHROPIC, "{\"model\":\"m\"}", headers).headers());
        HttpHeaders long1 = new DefaultHttpHeaders().set("anthropic-beta", "b".repeat(1025));
        assertThrows(BadRequestException.class, () -> read(Dialect.ANTHROPIC, "{\"model\":\"m\"}", long1));
    }

    @Test
    void thePassThroughBodyKeepsTheClientsFieldsAndAsksForAStreamWithUsage() {
        DropInRequest r = read(Dialect.OPENAI, "{\"model\":\"alias\",\"stream\":false,\"top_p\":0.5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}],"
                + "\"stream_options\":{\"include_usage\":false,\"x\":1}}");
        assertEquals("{\"top_p\":0.5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"x\"}}]}],\"stream_options\":{\"x\":1,\"include_usage\":true},"
                + "\"model\":\"gpt-real\",\"stream\":true}", rewritten(r, "gpt-real"));
        assertEquals("{\"model\":\"alias\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                rewritten(read(Dialect.OPENAI, "{\"model\":\"alias\"}"), null), "no upstream model: the client's");
        assertEquals("{\"max_tokens\":5,\"model\":\"claude-real\",\"stream\":true}",
                rewritten(read(Dialect.ANTHROPIC, "{\"model\":\"c\",\"max_tokens\":5}"), "claude-real"),
                "Anthropic gets no stream_options");
    }
}
