package io.streamgate.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.llm.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SSE output on an {@link EmbeddedChannel}, with a journal whose Redis mirror may fail. */
class SseOutputTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** A mirror whose first {@link #flushed()} throws, as a failing or refusing Redis client may. */
    private static final class FailingOnceMirror implements JournalMirror {
        private boolean failed;

        @Override
        public void event(long sequence, byte[] sse) {}

        @Override
        public void flushed() {
            if (!failed) {
                failed = true;
                throw new IllegalStateException("the mirror broke");
            }
        }

        @Override
        public void ended() {}
    }

    private StreamJournal journal(JournalMirror mirror) {
        return new StreamJournal(channel.eventLoop(), "tenant", 1, 1 << 20, 4, new AtomicLong(), () -> {}, () -> {},
                mirror);
    }

    /** Everything the client was sent, as SSE events; checks the head came first and the body ended. */
    private List<SseParser.Event> sent() {
        Object head = channel.readOutbound();
        assertTrue(head instanceof HttpResponse, "the head first: " + head);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean ended = false;
        for (Object o; (o = channel.readOutbound()) != null; ) {
            HttpContent content = (HttpContent) o;
            byte[] bytes = new byte[content.content().readableBytes()];
            content.content().readBytes(bytes);
            body.writeBytes(bytes);
            ended |= content instanceof LastHttpContent;
            ReferenceCountUtil.release(content);
        }
        assertTrue(ended, "the body ended");
        return SseParser.parse(body.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aMirrorThatThrowsOnFlushDoesNotCostTheClientTheFlushedEvents() {
        SseOutput output = new SseOutput(channel, journal(new FailingOnceMirror()));
        output.start();
        output.event(new StreamEvent.MessageChunk("partial", 1, false), 0, 1L);
        // The failure still surfaces (it is the mirror's to report), but only after the client has its bytes.
        assertThrows(IllegalStateException.class, output::flush);
        output.event(new StreamEvent.Error(ErrorCode.UPSTREAM_TIMEOUT, "silent", true), 1, 2L);
        output.finish();

        List<SseParser.Event> events = sent();
        assertEquals(2, events.size(), () -> "the chunk, then the error: " + events);
        assertEquals("0", events.getFirst().id());
        assertEquals("partial", Json.string(events.getFirst().data(), "content"));
        assertEquals("1", events.getLast().id());
        assertEquals("upstream_timeout", Json.string(events.getLast().data(), "code"));
    }

    @Test
    void aMirrorThatThrowsAtTheEndDoesNotCostTheClientTheLastEvents() {
        SseOutput output = new SseOutput(channel, journal(new FailingOnceMirror()));
        output.start();
        output.event(new StreamEvent.MessageChunk("partial", 1, false), 0, 1L);
        output.event(new StreamEvent.Error(ErrorCode.UPSTREAM_TIMEOUT, "silent", true), 1, 2L);
        assertThrows(IllegalStateException.class, output::finish);

        List<SseParser.Event> events = sent();
        assertEquals(List.of("0", "1"), events.stream().map(SseParser.Event::id).toList());
    }
}
