package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.anthropic.AnthropicProvider;
import io.streamgate.llm.openai.OpenAiProvider;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassThroughParserTest {

    private static final String CHUNK = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}";
    private static final String USAGE = "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}";

    private static String raw(UpstreamEvent event) {
        return new String(assertInstanceOf(UpstreamEvent.RawEvent.class, event).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void eachEventIsPublishedRawThenTheEndWithTheProvidersUsage() throws Exception {
        RecordingSink sink = new RecordingSink();
        StreamParser parser = PassThroughParser.factory(OpenAiProvider::parser, true).apply(sink);
        assertTrue(parser.onEvent(event(null, CHUNK)));
        assertTrue(parser.onEvent(event(null, USAGE)));
        assertFalse(parser.onEvent(event(null, "[DONE]")));
        assertTrue(parser.reachedEnd());

        List<UpstreamEvent> events = sink.events();
        assertEquals(4, events.size(), events::toString);
        assertEquals("data: " + CHUNK + "\n\n", raw(events.get(0)));
        assertEquals("data: " + USAGE + "\n\n", raw(events.get(1)));
        assertEquals("data: [DONE]\n\n", raw(events.get(2)));
        UpstreamEvent.Completed end = assertInstanceOf(UpstreamEvent.Completed.class, events.get(3));
        assertEquals(1, end.usage().completionTokens());
    }

    @Test
    void aTapSeesTheTypedEventsWhileTheSinkGetsTheRawOnes() throws Exception {
        RecordingSink sink = new RecordingSink();
        List<UpstreamEvent> tapped = new java.util.ArrayList<>();
        StreamParser parser = PassThroughParser.factory(OpenAiProvider::parser, true, tapped::add).apply(sink);
        parser.onEvent(event(null, CHUNK));
        parser.onEvent(event(null, USAGE));
        parser.onEvent(event(null, "[DONE]"));

        assertEquals(2, tapped.size(), tapped::toString);
        assertEquals("Hi", assertInstanceOf(UpstreamEvent.TextDelta.class, tapped.get(0)).text());
        assertEquals(1, assertInstanceOf(UpstreamEvent.Completed.class, tapped.get(1)).usage().completionTokens());
        assertTrue(sink.events().stream().noneMatch(e -> e instanceof UpstreamEvent.TextDelta), "text goes out raw");
    }

    @Test
    void theUsageOnlyChunkIsReadButNotRelayedWhenTheClientDidNotAsk() throws Exception {
        RecordingSink sink = new RecordingSink();
        StreamParser parser = PassThroughParser.factory(OpenAiProvider::parser, false).apply(sink);
        parser.onEvent(event(null, CHUNK));
        parser.onEvent(event(null, USAGE));
        parser.onEvent(event(null, "[DONE]"));
        List<UpstreamEvent> events = sink.events();
        assertEquals(3, events.size(), events::toString);
        assertEquals("data: [DONE]\n\n", raw(events.get(1)));
        assertEquals(3, assertInstanceOf(UpstreamEvent.Completed.class, events.get(2)).usage().promptTokens(),
                "usage is still read for accounting");
    }

    @Test
    void onlyAChunkWithoutChoicesIsUsageOnly() throws Exception {
        assertTrue(PassThroughParser.isUsageOnlyChunk(USAGE));
        assertTrue(PassThroughParser.isUsageOnlyChunk("{\"usage\":{\"total_tokens\":1},\"choices\":[]}"));
        assertFalse(PassThroughParser.isUsageOnlyChunk(
                "{\"choices\":[{\"delta\":{}}],\"usage\":{\"total_tokens\":1}}"), "a choice with usage is relayed");
        assertFalse(PassThroughParser.isUsageOnlyChunk("{\"choices\":[],\"usage\":null}"));
        assertFalse(PassThroughParser.isUsageOnlyChunk("{\"choices\":[{\"delta\":{\"content\":\"\\\"usage\\\"\"}}]}"));
    }

    @Test
    void aFailureIsPublishedInsteadOfTheProvidersErrorEvent() throws Exception {
        RecordingSink sink = new RecordingSink();
        StreamParser parser = PassThroughParser.factory(AnthropicProvider::parser, true).apply(sink);
        assertTrue(parser.onEvent(event("message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3}}}")));
        assertFalse(parser.onEvent(event("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));
        List<UpstreamEvent> events = sink.events();
        assertEquals(2, events.size(), events::toString);
        assertTrue(raw(events.get(0)).startsWith("event: message_start\ndata: {"));
        assertEquals(ErrorCode.OVERLOADED, assertInstanceOf(UpstreamEvent.Failed.class, events.get(1)).error().code());
    }

    @Test
    void eventsAreWrittenInTheProvidersFormOneDataLinePerLine() {
        assertArrayEquals("event: ping\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8),
                PassThroughParser.encode("ping", "{}"));
        assertArrayEquals("data: a\ndata: \ndata: b\n\n".getBytes(StandardCharsets.UTF_8),
                PassThroughParser.encode(null, "a\n\nb"));
        assertArrayEquals("data: é\n\n".getBytes(StandardCharsets.UTF_8), PassThroughParser.encode(null, "é"));
    }

    /** The event as the Netty framer hands it out: a slice of a larger buffer. */
    private static SseEvent event(String type, String data) {
        byte[] name = type == null ? null : type.getBytes(StandardCharsets.US_ASCII);
        byte[] utf8 = data.getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[utf8.length + 6];
        System.arraycopy(utf8, 0, buffer, 3, utf8.length);
        return new SseEvent().set(name, name == null ? 0 : name.length, buffer, 3, utf8.length);
    }
}
