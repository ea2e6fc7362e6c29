package io.streamgate.llm.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streamgate.llm.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseFramerTest {

    record Event(String type, String data) {}

    private static final String[] FIXTURES = {
        "openai-chat-text.sse", "openai-chat-parallel-tools.sse", "anthropic-messages-text.sse", "anthropic-messages-tool-use.sse"
    };

    /** Frames {@code body} fed in pieces that end at {@code cuts}; fails on OVERSIZED. */
    private static List<Event> frame(byte[] body, int maxEventBytes, int... cuts) {
        SseFramer framer = new SseFramer(maxEventBytes);
        List<Event> events = new ArrayList<>();
        int from = 0;
        int[] ends = Arrays.copyOf(cuts, cuts.length + 1);
        ends[cuts.length] = body.length;
        for (int end : ends) {
            ByteBuf piece = Unpooled.wrappedBuffer(body, from, end - from);
            SseFramer.Result result;
            do {
                result = framer.next(piece, event -> events.add(new Event(event.type(), event.dataText())));
                assertFalse(result == SseFramer.Result.OVERSIZED, "oversized");
            } while (result == SseFramer.Result.DISPATCHED);
            assertFalse(piece.isReadable());
            from = end;
        }
        return events;
    }

    private static List<Event> frame(String body, int... cuts) {
        return frame(body.getBytes(StandardCharsets.UTF_8), 1 << 20, cuts);
    }

    /** okhttp-sse's reader, an independent implementation, on the same body (LF endings only: see SseEofGuard). */
    private static List<Event> okhttpSse(byte[] body) {
        List<Event> events = new ArrayList<>();
        MediaType type = MediaType.get("text/event-stream");
        Response response = new Response.Builder()
                .request(new Request.Builder().url("http://replay.invalid/").build())
                .protocol(Protocol.HTTP_1_1).code(200).message("OK")
                .body(ResponseBody.create(body, type))
                .build();
        EventSources.processResponse(response, new EventSourceListener() {
            @Override
            public void onEvent(EventSource source, String id, String t, String data) {
                events.add(new Event(t, data));
            }
        });
        return events;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "openai-chat-text.sse", "openai-chat-parallel-tools.sse", "anthropic-messages-text.sse", "anthropic-messages-tool-use.sse"
    })
    void fixturesFrameAsOkHttpSseDoesAtEverySplitAndEveryLineEnding(String fixture) {
        byte[] lf = new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8).replace("\r\n", "\n")
                .getBytes(StandardCharsets.UTF_8);
        List<Event> expected = okhttpSse(lf);
        assertTrue(expected.size() > 3, "fixture has events");
        for (String ending : new String[] {"\n", "\r\n", "\r"}) {
            byte[] body = new String(lf, StandardCharsets.UTF_8).replace("\n", ending).getBytes(StandardCharsets.UTF_8);
            assertEquals(expected, frame(body, 1 << 20), ending);
            for (int cut = 0; cut <= body.length; cut++) {
                assertEquals(expected, frame(body, 1 << 20, cut), "split at " + cut);
            }
            int[] everyByte = new int[body.length];
            for (int i = 0; i < body.length; i++) {
                everyByte[i] = i;
            }
            assertEquals(expected, frame(body, 1 << 20, everyByte), "one byte per read");
        }
    }

    @Test
    void commentsAreSkippedAndDataLinesJoinWithLf() {
        assertEquals(List.of(new Event(null, "a\nb\n")),
                frame(": ping\ndata: a\n:another\ndata:b\ndata\n\n"));
    }

    @Test
    void onlyOneLeadingSpaceIsDroppedAndTheFirstColonSplits() {
        assertEquals(List.of(new Event("x", "  two: spaces")), frame("event: x\ndata:   two: spaces\n\n"));
    }

    @Test
    void anEventWithoutDataIsNotDispatchedAndForgetsItsType() {
        assertEquals(List.of(new Event(null, "d")), frame("event: lonely\n\ndata: d\n\n"));
    }

    @Test
    void idRetryAndUnknownFieldsAreIgnored() {
        assertEquals(List.of(new Event(null, "d")), frame("id: 7\nretry: 10\nfoo: bar\ndata: d\n\n"));
    }

    @Test
    void aLeadingBomIsDroppedAlsoWhenSplitButOnlyAtTheStart() {
        String body = "\uFEFFdata: a\n\ndata: \uFEFFb\n\n";
        List<Event> expected = List.of(new Event(null, "a"), new Event(null, "\uFEFFb"));
        assertEquals(expected, frame(body));
        assertEquals(expected, frame(body, 1));
        assertEquals(expected, frame(body, 1, 2));
    }

    @Test
    void aPartialBomIsContent() {
        byte[] body = {(byte) 0xEF, 'd', 'a', 't', 'a', ':', 'x', '\n', 'd', 'a', 't', 'a', ':', 'y', '\n', '\n'};
        // "\xEFdata" is an unknown field, so only the second line counts.
        assertEquals(List.of(new Event(null, "y")), frame(body, 1 << 20));
    }

    @Test
    void aCrlfSplitBetweenReadsIsOneLineEnding() {
        String body = "data: a\r\n\r\ndata: b\r\n\r\n";
        for (int cut = 0; cut <= body.length(); cut++) {
            assertEquals(List.of(new Event(null, "a"), new Event(null, "b")), frame(body, cut), "cut " + cut);
        }
    }

    @Test
    void anUnfinishedEventAtTheEndIsNotDispatched() {
        assertEquals(List.of(new Event(null, "a")), frame("data: a\n\ndata: b\n"));
    }

    @Test
    void aLineOverTheCapIsOversized() {
        SseFramer framer = new SseFramer(16);
        ByteBuf in = Unpooled.copiedBuffer("data: 0123456789abcdef", StandardCharsets.US_ASCII);
        assertEquals(SseFramer.Result.OVERSIZED, framer.next(in, e -> {}));
    }

    @Test
    void manyLinesOverTheCapInOneEventAreOversized() {
        SseFramer framer = new SseFramer(16);
        ByteBuf in = Unpooled.copiedBuffer("data: 0123\ndata: 4567\ndata: 89ab\ndata: cdef\n\n", StandardCharsets.US_ASCII);
        assertEquals(SseFramer.Result.OVERSIZED, framer.next(in, e -> {}));
    }

    @Test
    void eventsUpToTheCapPassAndTheCapIsPerEvent() {
        byte[] body = "data: 0123456789\n\ndata: 0123456789\n\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(2, frame(body, 16).size());
    }

    @Test
    void stopsAfterEachEventLeavingTheRestUnread() {
        SseFramer framer = new SseFramer(1024);
        ByteBuf in = Unpooled.copiedBuffer("data: a\n\ndata: b\n\n", StandardCharsets.US_ASCII);
        List<String> seen = new ArrayList<>();
        assertEquals(SseFramer.Result.DISPATCHED, framer.next(in, e -> seen.add(e.dataText())));
        assertEquals(List.of("a"), seen);
        assertEquals("data: b\n\n", in.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void dataLinesWithOtherLinesBetweenJoinIntoOneSliceAtEverySplit() {
        String body = "data: {\"a\":\nevent: first\n: note\ndata:  1,\nid: 3\ndata: \"b\":2}\nevent: second\n\ndata: x\n\n";
        List<Event> expected = List.of(new Event("second", "{\"a\":\n 1,\n\"b\":2}"), new Event(null, "x"));
        for (int cut = 0; cut <= body.length(); cut++) {
            assertEquals(expected, frame(body, cut), "cut " + cut);
        }
    }

    @Test
    void eventsLargerThanTheBufferGrowItAndTheNextEventsAreIntact() {
        String big = "x".repeat(5000);
        String body = "event: big\ndata: " + big + "\ndata: " + big + "\n\nevent: small\ndata: s\n\ndata: " + big + "\n\n";
        List<Event> expected = List.of(new Event("big", big + "\n" + big), new Event("small", "s"), new Event(null, big));
        assertEquals(expected, frame(body));
        assertEquals(expected, frame(body, 3000, 7000, 10010));
    }

    @Test
    void theEventIsAViewOfTheFramersBytes() {
        SseFramer framer = new SseFramer(1024);
        ByteBuf in = Unpooled.copiedBuffer("event: content_block_delta\ndata: {\"k\": 1}\n\n", StandardCharsets.US_ASCII);
        List<String> seen = new ArrayList<>();
        assertEquals(SseFramer.Result.DISPATCHED, framer.next(in, event -> {
            assertTrue(event.typeIs("content_block_delta"));
            assertFalse(event.typeIs("content_block_stop"));
            assertSame("content_block_delta", event.type("message_stop", "content_block_delta"), "the known name");
            seen.add(event.dataText());
        }));
        assertEquals(List.of("{\"k\": 1}"), seen);
    }
}
