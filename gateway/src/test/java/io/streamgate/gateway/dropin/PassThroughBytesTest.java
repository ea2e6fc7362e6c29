package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import io.streamgate.llm.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pass-through, byte for byte: what the provider sent (the recorded streams, delivered one byte per read) is what
 * the client gets, apart from the documented usage-chunk rule; and what it gets when the provider fails mid-stream.
 */
class PassThroughBytesTest extends DropInGateway {

    private static final String OPENAI_WITH_USAGE = "{\"model\":\"scripted-openai\",\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String OPENAI_WITHOUT_USAGE = "{\"model\":\"scripted-openai\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANTHROPIC = "{\"model\":\"scripted-anthropic\",\"stream\":true,\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private RawHttpClient post(String path, String body) throws IOException {
        return RawHttpClient.connect(gateway.port())
                .send("POST", path, body, "Authorization", "Bearer " + KEY)
                .readHead();
    }

    private static String fixture(String name) {
        return new String(Fixtures.bytes(name), StandardCharsets.UTF_8);
    }

    @Test
    void openAiStreamIsRelayedAsSentWhenUsageWasAskedFor() throws IOException {
        for (String name : new String[] {"openai-chat-text.sse", "openai-chat-parallel-tools.sse"}) {
            upstream.always(new Reply.Sse(Fixtures.bytes(name), true));
            try (RawHttpClient client = post("/v1/chat/completions", OPENAI_WITH_USAGE)) {
                assertEquals(200, client.status());
                assertTrue(client.header("content-type").startsWith("text/event-stream"));
                assertNull(client.header(DropInCall.CACHE_HEADER), "the answer cache is off");
                assertEquals(fixture(name), client.readBody(), name);
            }
        }
    }

    @Test
    void theUsageOnlyChunkIsNotRelayedUnlessAskedFor() throws IOException {
        upstream.always(new Reply.Sse(Fixtures.bytes("openai-chat-text.sse"), true));
        String expected = Arrays.stream(fixture("openai-chat-text.sse").split("(?<=\n\n)"))
                .filter(event -> !event.contains("\"choices\":[]"))
                .collect(Collectors.joining());
        try (RawHttpClient client = post("/v1/chat/completions", OPENAI_WITHOUT_USAGE)) {
            assertEquals(expected, client.readBody());
        }
        String sent = upstream.requests().getLast().body();
        assertTrue(sent.contains("\"stream_options\":{\"include_usage\":true}"), "the gateway asked for usage: " + sent);
        assertTrue(sent.contains("\"model\":\"upstream-model\""), "the deployment's model name: " + sent);
        assertFalse(sent.contains("scripted-openai"), sent);
    }

    @Test
    void anthropicStreamIsRelayedAsSent() throws IOException {
        for (String name : new String[] {"anthropic-messages-text.sse", "anthropic-messages-tool-use.sse"}) {
            upstream.always(new Reply.Sse(Fixtures.bytes(name), true));
            try (RawHttpClient client = post("/v1/messages", ANTHROPIC)) {
                assertEquals(200, client.status());
                assertEquals(fixture(name), client.readBody(), name);
            }
        }
    }

    @Test
    void aProviderThatBreaksOffMidStreamEndsTheStreamWithAnErrorEvent() throws IOException {
        String text = fixture("openai-chat-text.sse");
        String firstThree = Arrays.stream(text.split("(?<=\n\n)")).limit(3).collect(Collectors.joining());
        upstream.always(new Reply.Cut(firstThree.getBytes(StandardCharsets.UTF_8)));
        try (RawHttpClient client = post("/v1/chat/completions", OPENAI_WITH_USAGE)) {
            String body = client.readBody();
            assertTrue(body.startsWith(firstThree), body);
            String error = body.substring(firstThree.length());
            assertTrue(error.startsWith("data: {\"error\":{\"message\":\"") && error.endsWith("}}\n\n"), error);
            assertTrue(error.contains("\"type\":\"server_error\""), error);
            assertFalse(body.contains("[DONE]"), "never a clean end");
        }

        String anthropic = fixture("anthropic-messages-text.sse");
        String start = Arrays.stream(anthropic.split("(?<=\n\n)")).limit(2).collect(Collectors.joining());
        upstream.always(new Reply.Cut(start.getBytes(StandardCharsets.UTF_8)));
        try (RawHttpClient client = post("/v1/messages", ANTHROPIC)) {
            String body = client.readBody();
            assertTrue(body.startsWith(start), body);
            assertTrue(body.substring(start.length()).startsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\""),
                    body);
            assertFalse(body.contains("message_stop"), "never a clean end");
        }
    }

    @Test
    void aProvidersInStreamErrorReachesTheClientInItsDialect() throws IOException {
        String text = fixture("openai-chat-text.sse");
        String first = text.substring(0, text.indexOf("\n\n") + 2);
        upstream.always(Reply.sse(first + "data: {\"error\":{\"message\":\"the model is overloaded sk-abcdefghijklmnop\","
                + "\"type\":\"server_error\",\"code\":\"503\"}}\n\n"));
        try (RawHttpClient client = post("/v1/chat/completions", OPENAI_WITH_USAGE)) {
            String body = client.readBody();
            assertTrue(body.startsWith(first), body);
            String error = body.substring(first.length());
            assertTrue(error.contains("\"code\":\"overloaded\""), error);
            assertFalse(error.contains("sk-abcdefghijklmnop"), "the provider's text is sanitised: " + error);
        }
    }

    @Test
    void aSlowClientPushesBackOnTheProviderAndGetsEveryByte() throws Exception {
        var live = upstream.live();
        int count = 20_000;
        String piece = "0123456789".repeat(10);
        StringBuilder expected = new StringBuilder();
        try (RawHttpClient client = RawHttpClient.connect(gateway.port(), 8 * 1024)
                .send("POST", "/v1/chat/completions", OPENAI_WITH_USAGE, "Authorization", "Bearer " + KEY)) {
            TestUpstream.LiveStream stream = live.get(10, TimeUnit.SECONDS);
            stream.pump(count, i -> chunk(i + ":" + piece), "data: [DONE]\n\n");
            // The client reads nothing: the gateway's socket fills, its ring fills, the transport stops reading,
            // and the provider's socket stops being writable.
            long t0 = System.nanoTime();
            assertTrue(stream.awaitBackpressure(30), "the provider feels the slow client");
            System.err.println("TIMING backpressure after ms " + (System.nanoTime() - t0) / 1_000_000);
            client.readHead();
            assertEquals(200, client.status());
            for (int i = 0; i < count; i++) {
                expected.append(chunk(i + ":" + piece));
            }
            expected.append("data: [DONE]\n\n");
            long t1 = System.nanoTime();
            String body = client.readBody();
            System.err.println("TIMING read ms " + (System.nanoTime() - t1) / 1_000_000);
            assertEquals(expected.toString(), body);
        }
        Await.until("the stream's lease is returned", () -> routes.outstanding() == 0);
    }

    private static String chunk(String content) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}\n\n";
    }
}
