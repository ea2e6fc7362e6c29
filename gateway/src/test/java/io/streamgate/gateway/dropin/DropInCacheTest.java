package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The answer cache on the drop-in endpoints, end to end over raw HTTP: a hit is replayed in the client's own dialect
 * (streamed or whole, with fresh ids, as a valid stream of that dialect) without calling the provider, every response
 * says what the cache did in {@code x-streamgate-cache}, and a request can opt out.
 */
class DropInCacheTest extends DropInGateway {

    private static final String CHAT = "/v1/chat/completions";
    private static final String MESSAGES = "/v1/messages";
    /** The fixtures' answers. */
    private static final String OPENAI_TEXT = "I'm unable to provide real-time updates";
    private static final String ANTHROPIC_TEXT = "Hello there!";

    @Override
    String[] moreSettings() {
        return new String[] {"STREAMGATE_CACHE", "exact"};
    }

    private record Answer(int status, String cache, String contentType, String body) {
        List<SseParser.Event> events() {
            return SseParser.parse(body);
        }
    }

    private Answer post(String path, String body, String... headers) throws IOException {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + KEY;
        System.arraycopy(headers, 0, all, 2, headers.length);
        try (RawHttpClient r = RawHttpClient.connect(gateway.port()).send("POST", path, body, all).readHead()) {
            return new Answer(r.status(), r.header(DropInCall.CACHE_HEADER), r.header("content-type"), r.readBody());
        }
    }

    private double completionTokensBilled() {
        try {
            return metric("llm_tokens_total", "kind=\"completion\"");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String openAi(String model, boolean stream, String question, String more) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + question + "\"}]" + more + "}";
    }

    static String anthropic(String model, boolean stream, String question, String more) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]" + more + "}";
    }

    private void answersWithFixture(String name) {
        upstream.always(new Reply.Sse(Fixtures.bytes(name), false));
    }

    /**
     * Checks a Chat Completions stream (one id on every chunk, the role first, a finish reason, {@code [DONE]} last)
     * and returns its text.
     */
    static String openAiStream(String body) {
        List<SseParser.Event> events = SseParser.parse(body);
        assertEquals("[DONE]", events.getLast().data(), body);
        String id = Json.string(events.getFirst().data(), "id");
        assertTrue(id.startsWith("chatcmpl-"), id);
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (SseParser.Event e : events.subList(0, events.size() - 1)) {
            assertEquals(id, Json.string(e.data(), "id"), "one id throughout");
            assertEquals("chat.completion.chunk", Json.string(e.data(), "object"));
            List<String> choices = Json.elements(Json.raw(e.data(), "choices"));
            if (choices.isEmpty()) {
                continue; // the usage chunk
            }
            String delta = Json.raw(choices.getFirst(), "delta");
            if (e == events.getFirst()) {
                assertEquals("assistant", Json.string(delta, "role"));
            }
            if (Json.has(delta, "content")) {
                text.append(Json.string(delta, "content"));
            }
            if (Json.string(choices.getFirst(), "finish_reason") != null) {
                finish = Json.string(choices.getFirst(), "finish_reason");
            }
        }
        assertEquals("stop", finish);
        return text.toString();
    }

    /** Checks a Messages event stream (start, blocks, delta, stop; one message id) and returns its text. */
    static String anthropicStream(String body) {
        List<SseParser.Event> events = SseParser.parse(body);
        assertEquals("message_start", events.getFirst().type(), body);
        assertEquals("message_delta", events.get(events.size() - 2).type());
        assertEquals("end_turn", Json.string(Json.raw(events.get(events.size() - 2).data(), "delta"), "stop_reason"));
        assertEquals("message_stop", events.getLast().type());
        StringBuilder text = new StringBuilder();
        for (SseParser.Event e : events) {
            assertEquals(e.type(), Json.string(e.data(), "type"));
            if (e.type().equals("content_block_delta")) {
                text.append(Json.string(Json.raw(e.data(), "delta"), "text"));
            }
        }
        return text.toString();
    }

    private static String anthropicId(String body) {
        return Json.string(Json.raw(SseParser.parse(body).getFirst().data(), "message"), "id");
    }

    @Test
    void anOpenAiAnswerIsReplayedStreamedAndWholeWithoutCallingTheProvider() throws Exception {
        answersWithFixture("openai-chat-text.sse");
        Answer first = post(CHAT, openAi("scripted-openai", true, "weather?", ""));
        assertEquals("miss", first.cache());
        assertTrue(openAiStream(first.body()).startsWith(OPENAI_TEXT));
        Await.until("the miss is billed", () -> completionTokensBilled() > 0);
        double billed = completionTokensBilled();

        Answer streamed = post(CHAT, openAi("scripted-openai", true, "weather?", ""));
        assertEquals(200, streamed.status());
        assertEquals("hit", streamed.cache());
        assertTrue(streamed.contentType().startsWith("text/event-stream"), streamed.contentType());
        assertEquals(openAiStream(first.body()), openAiStream(streamed.body()));
        assertNotEquals(Json.string(first.events().getFirst().data(), "id"),
                Json.string(streamed.events().getFirst().data(), "id"), "a fresh id");
        assertTrue(streamed.body().contains("\"model\":\"scripted-openai\""), "the model the client asked for");

        Answer whole = post(CHAT, openAi("scripted-openai", false, "weather?", ""));
        assertEquals("hit", whole.cache());
        assertTrue(whole.contentType().startsWith("application/json"), whole.contentType());
        assertEquals("chat.completion", Json.string(whole.body(), "object"));
        String choice = Json.elements(Json.raw(whole.body(), "choices")).getFirst();
        assertEquals(openAiStream(first.body()), Json.string(Json.raw(choice, "message"), "content"));
        assertEquals("stop", Json.string(choice, "finish_reason"));

        assertEquals(1, upstream.requests().size(), "the hits never reached the provider");
        assertEquals(billed, completionTokensBilled(), "a hit bills nothing");
        assertEquals(2, metric("cache_lookups_total", "result=\"exact_hit\""));
        assertEquals(1, metric("cache_lookups_total", "result=\"miss\""));
    }

    @Test
    void anAnthropicAnswerIsReplayedAsAMessagesStreamAndAWholeAnswerSharesTheEntry() throws Exception {
        answersWithFixture("anthropic-messages-text.sse");
        Answer whole = post(MESSAGES, anthropic("scripted-anthropic", false, "hello?", ""));
        assertEquals("miss", whole.cache());
        assertEquals(ANTHROPIC_TEXT, Json.string(Json.elements(Json.raw(whole.body(), "content")).getFirst(), "text"));

        Answer streamed = post(MESSAGES, anthropic("scripted-anthropic", true, "hello?", ""));
        assertEquals("hit", streamed.cache(), "a stream and a whole answer of one question share the entry");
        assertEquals(ANTHROPIC_TEXT, anthropicStream(streamed.body()));
        String id = anthropicId(streamed.body());
        assertTrue(id.startsWith("msg_") && !id.equals(Json.string(whole.body(), "id")), id);

        Answer again = post(MESSAGES, anthropic("scripted-anthropic", false, "hello?", ""));
        assertEquals("hit", again.cache());
        assertEquals("message", Json.string(again.body(), "type"));
        assertEquals("end_turn", Json.string(again.body(), "stop_reason"));
        assertEquals(ANTHROPIC_TEXT, Json.string(Json.elements(Json.raw(again.body(), "content")).getFirst(), "text"));
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void aTranslatedAnswerIsRecordedAndReplayedInTheClientsDialect() throws Exception {
        answersWithFixture("anthropic-messages-text.sse"); // an OpenAI client, an Anthropic deployment
        Answer first = post(CHAT, openAi("scripted-anthropic", true, "hi there", ""));
        assertEquals("miss", first.cache());
        Answer second = post(CHAT, openAi("scripted-anthropic", true, "hi there", ""));
        assertEquals("hit", second.cache());
        assertEquals(ANTHROPIC_TEXT, openAiStream(second.body()));
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void theUsageChunkIsReplayedWhenAskedFor() throws Exception {
        answersWithFixture("openai-chat-text.sse");
        post(CHAT, openAi("scripted-openai", true, "usage?", ""));
        Answer hit = post(CHAT, openAi("scripted-openai", true, "usage?",
                ",\"stream_options\":{\"include_usage\":true}"));
        assertEquals("hit", hit.cache(), "stream_options does not change the answer");
        List<SseParser.Event> events = hit.events();
        String usage = events.get(events.size() - 2).data();
        assertEquals("[]", Json.raw(usage, "choices"));
        assertTrue(Json.number(Json.raw(usage, "usage"), "completion_tokens") > 0, usage);
    }

    @Test
    void aBodyCacheFalseIsNeitherLookedUpNorStoredAndNeverForwarded() throws Exception {
        answersWithFixture("openai-chat-text.sse");
        Answer optedOut = post(CHAT, openAi("scripted-openai", true, "fresh?", ",\"cache\":false"));
        assertEquals("miss", optedOut.cache());
        assertFalse(upstream.requests().getLast().body().contains("\"cache\""), upstream.requests().getLast().body());
        assertEquals("miss", post(CHAT, openAi("scripted-openai", true, "fresh?", "")).cache(), "nothing was stored");
        assertEquals("miss", post(CHAT, openAi("scripted-openai", true, "fresh?", ",\"cache\":false")).cache(),
                "not looked up");
        assertEquals(3, upstream.requests().size());
        assertEquals("hit", post(CHAT, openAi("scripted-openai", true, "fresh?", ",\"cache\":true")).cache());

        answersWithFixture("anthropic-messages-text.sse"); // translated: the reader never carries it either
        post(CHAT, openAi("scripted-anthropic", true, "fresh?", ",\"cache\":false"));
        assertFalse(upstream.requests().getLast().body().contains("\"cache\""), upstream.requests().getLast().body());

        Answer malformed = post(CHAT, openAi("scripted-openai", true, "fresh?", ",\"cache\":\"no\""));
        assertEquals(400, malformed.status());
        assertTrue(malformed.body().contains("'cache' must be a boolean"), malformed.body());
    }

    @Test
    void cacheControlNoCacheAsksAFreshAnswerAndNoStoreKeepsNone() throws Exception {
        answersWithFixture("anthropic-messages-text.sse");
        String body = anthropic("scripted-anthropic", true, "news?", "");
        assertEquals("miss", post(MESSAGES, body, "Cache-Control", "no-store").cache());
        assertEquals("miss", post(MESSAGES, body, "Cache-Control", "no-cache").cache(), "no-store kept nothing");
        assertEquals("hit", post(MESSAGES, body).cache(), "no-cache stored its answer");
        assertEquals("miss", post(MESSAGES, body, "Cache-Control", "no-cache").cache(), "no-cache is never a hit");
        assertEquals("hit", post(MESSAGES, body, "Cache-Control", "no-store").cache(), "no-store still looks up");
        assertEquals(3, upstream.requests().size());
    }

    @Test
    void anAnswerThatCalledToolsIsNotCached() throws Exception {
        answersWithFixture("openai-chat-parallel-tools.sse");
        String body = openAi("scripted-openai", true, "weather in two cities?", "");
        assertEquals("miss", post(CHAT, body).cache());
        assertEquals("miss", post(CHAT, body).cache());
        answersWithFixture("anthropic-messages-tool-use.sse");
        String anthropicBody = anthropic("scripted-anthropic", false, "weather?", "");
        assertEquals("miss", post(MESSAGES, anthropicBody).cache());
        assertEquals("miss", post(MESSAGES, anthropicBody).cache());
        assertEquals(4, upstream.requests().size());
        assertEquals(0, gateway.metric("cache_stores_total"));
    }

    @Test
    void aStepAfterToolResultsIsNotLookedUp() throws Exception {
        answersWithFixture("openai-chat-text.sse");
        String body = "{\"model\":\"scripted-openai\",\"stream\":true,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}]}";
        assertEquals("miss", post(CHAT, body).cache());
        assertEquals("miss", post(CHAT, body).cache());
        assertEquals(2, upstream.requests().size());
        assertEquals(0, metric("cache_lookups_total", "result=\"miss\""), "never looked up");
    }

    @Test
    void everyFieldThatChangesTheAnswerIsPartOfTheKey() throws Exception {
        answersWithFixture("openai-chat-text.sse");
        post(CHAT, openAi("scripted-openai", true, "key?", ""));
        for (String changes : new String[] {",\"top_p\":0.5", ",\"stop\":[\"x\"]", ",\"seed\":7",
                ",\"response_format\":{\"type\":\"json_object\"}", ",\"presence_penalty\":1",
                ",\"reasoning_effort\":\"low\"", ",\"a_field_from_the_future\":1", ",\"temperature\":0.3",
                ",\"max_tokens\":9"}) {
            assertEquals("miss", post(CHAT, openAi("scripted-openai", true, "key?", changes)).cache(), changes);
        }
        for (String neutral : new String[] {",\"user\":\"u-1\"", ",\"metadata\":{\"k\":\"v\"}",
                ",\"stream_options\":{\"include_usage\":false}"}) {
            assertEquals("hit", post(CHAT, openAi("scripted-openai", true, "key?", neutral)).cache(), neutral);
        }
        assertEquals("hit", post(CHAT, openAi("scripted-openai", true, "key?", ",\"seed\":7")).cache(),
                "the answer with a seed was stored under its own key");
        // A reply that cannot be replayed in its form: never looked up, never stored.
        String twoChoices = openAi("scripted-openai", true, "key?", ",\"n\":2");
        assertEquals("miss", post(CHAT, twoChoices).cache());
        assertEquals("miss", post(CHAT, twoChoices).cache());
    }
}
