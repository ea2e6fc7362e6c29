package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.cache.CacheKey;
import io.streamgate.gateway.cache.CacheMetrics;
import io.streamgate.gateway.cache.CacheSettings;
import io.streamgate.gateway.cache.LocalExactStore;
import io.streamgate.gateway.routing.Dialect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What of a drop-in body goes into its cache key, and which bodies have none. */
class DropInCacheKeyTest {

    private static final String MESSAGES = "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
            + "{\"role\":\"user\",\"content\":\"capital of France?\"}]";

    private static String extra(String body) {
        return DropInCacheKey.extra(body.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<CacheKey> key(Dialect dialect, String body) {
        AnswerCache cache = new AnswerCache(new CacheSettings(CacheSettings.Mode.EXACT, false, Duration.ofHours(1),
                1 << 20, 1 << 16, 0.9, 1 << 20, Duration.ofMillis(10), CacheSettings.Pacing.INSTANT),
                new LocalExactStore(Duration.ofHours(1), 1 << 20, Ticker.systemTicker()), null,
                new CacheMetrics(new PrometheusRegistry(), CacheMetrics.Sizes.NONE, CacheMetrics.Sizes.NONE),
                System::nanoTime);
        DropInRequest request = DropInRequest.read(dialect, body.getBytes(StandardCharsets.UTF_8),
                new DefaultHttpHeaders());
        return DropInCacheKey.of(cache, "team-a", "gpt\0route", request);
    }

    @Test
    void whatDoesNotChangeTheAnswerIsLeftOut() {
        String plain = extra("{\"model\":\"a\"," + MESSAGES + ",\"top_p\":0.5}");
        assertEquals(plain, extra("{\"model\":\"b\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"user\":\"u\",\"metadata\":{\"user_id\":\"x\"},\"cache\":true,\"store\":true,"
                + "\"service_tier\":\"auto\",\"temperature\":0.2," + MESSAGES + ",\"top_p\":0.5}"));
        assertEquals(plain, extra("{\"top_p\":0.5," + MESSAGES + ",\"model\":\"a\"}"), "field order does not matter");
        assertEquals("{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\"}],\"top_p\":0.5}",
                plain, "the question is left out: the neutral request carries it");
    }

    @Test
    void everyOtherFieldIsIn() {
        String plain = extra("{\"model\":\"a\"," + MESSAGES + "}");
        for (String field : new String[] {"\"top_p\":1", "\"top_k\":5", "\"stop\":\"x\"", "\"stop_sequences\":[\"x\"]",
                "\"seed\":1", "\"response_format\":{\"type\":\"json_object\"}", "\"tool_choice\":\"none\"",
                "\"frequency_penalty\":0.1", "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}",
                "\"max_tokens\":10", "\"unknown_to_this_gateway\":null", "\"n\":1"}) {
            String with = extra("{\"model\":\"a\"," + MESSAGES + "," + field + "}");
            assertNotEquals(plain, with, field);
            assertTrue(with.contains(field), with);
        }
    }

    @Test
    void theHistoryAndTheLastMessagesFormAreInButNotItsText() {
        String base = extra("{" + MESSAGES + "}");
        assertEquals(base, extra("{" + MESSAGES.replace("capital of France?", "capital of Spain?") + "}"));
        assertNotEquals(base, extra("{" + MESSAGES.replace("be brief", "be long") + "}"));
        assertNotEquals(base, extra("{" + MESSAGES.replace("\"role\":\"user\"", "\"role\":\"user\",\"name\":\"bob\"")
                + "}"), "a message's name, which the neutral request does not carry");
        String parts = extra("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}]}]}");
        assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}]}]}", parts);
    }

    @Test
    void answersThatAReplayCannotGiveBackHaveNoKey() {
        for (String field : new String[] {"\"n\":2", "\"logprobs\":true", "\"top_logprobs\":3",
                "\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}", "\"modalities\":[\"text\",\"audio\"]",
                "\"web_search_options\":{}", "\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://x\"}]"}) {
            assertNull(extra("{" + MESSAGES + "," + field + "}"), field);
        }
        assertNotNull(extra("{" + MESSAGES + ",\"n\":1,\"logprobs\":false,\"modalities\":[\"text\"]}"));
    }

    @Test
    void aKeyNeedsANeutralFormAndTheUsersQuestionLast() {
        assertTrue(key(Dialect.OPENAI, "{\"model\":\"m\"," + MESSAGES + "}").isPresent());
        assertEquals(key(Dialect.OPENAI, "{\"model\":\"m\",\"stream\":true," + MESSAGES + "}"),
                key(Dialect.OPENAI, "{\"model\":\"m\",\"stream\":false," + MESSAGES + "}"));
        assertTrue(key(Dialect.OPENAI, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}").isEmpty(), "an image");
        assertTrue(key(Dialect.ANTHROPIC, "{\"model\":\"m\",\"max_tokens\":5,"
                + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]," + MESSAGES.replace(
                        "{\"role\":\"system\",\"content\":\"be brief\"},", "") + "}").isEmpty(), "a server tool");
        assertTrue(key(Dialect.ANTHROPIC, "{\"model\":\"m\",\"max_tokens\":5,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\","
                + "\"id\":\"t1\",\"name\":\"f\",\"input\":{}}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"t1\",\"content\":\"r\"}]}]}").isEmpty(), "a step after tool results");
    }
}
