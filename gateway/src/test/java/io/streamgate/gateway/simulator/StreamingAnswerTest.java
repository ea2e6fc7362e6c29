package io.streamgate.gateway.simulator;

import io.streamgate.gateway.testing.SseParser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handler and its paced answers on an {@link EmbeddedChannel}, where writability and the
 * event loop's tasks are under the test's control: no sockets, no clocks.
 */
class StreamingAnswerTest {

    /** User-defined writability bit used to play a client that stops reading. */
    private static final int CLIENT_STALLED = 1;

    private EmbeddedChannel channel;

    @AfterEach
    void release() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel channel(SimulatorSettings settings) {
        JsonFactory f = new JsonFactory();
        channel = new EmbeddedChannel(new SimulatorHandler(settings, new SimRequestParser(f), new AnthropicSimRequestParser(f),
                new AnswerPlanner(settings, f),
                new OpenAiJson(f)));
        return channel;
    }

    private static FullHttpRequest streamRequest() {
        byte[] body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}".getBytes(StandardCharsets.UTF_8);
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                SimulatorHandler.COMPLETIONS_PATH, Unpooled.wrappedBuffer(body));
        req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return req;
    }

    /** Drains what the handler wrote: the response head is checked, the body returned as text. */
    private String drainBody() {
        StringBuilder sb = new StringBuilder();
        for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
            try {
                if (o instanceof HttpContent c) {
                    sb.append(c.content().toString(StandardCharsets.UTF_8));
                    if (c instanceof LastHttpContent) {
                        sb.append("<END>");
                    }
                } else {
                    assertInstanceOf(HttpResponse.class, o);
                }
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        return sb.toString();
    }

    @Test
    void pausesWhileTheClientIsNotWritableAndResumesAfter() {
        int tokens = SimulatedText.wholeSentences(300);
        EmbeddedChannel ch = channel(new SimulatorSettings(Duration.ZERO, Duration.ZERO, tokens, 0));
        ch.unsafe().outboundBuffer().setUserDefinedWritability(CLIENT_STALLED, false);
        ch.writeInbound(streamRequest());

        List<SseParser.Event> beforeResume = SseParser.parse(drainBody());
        assertEquals(1, beforeResume.size(), "only the role chunk goes out while the client is stalled");

        ch.unsafe().outboundBuffer().setUserDefinedWritability(CLIENT_STALLED, true);
        ch.runPendingTasks();
        String rest = drainBody();
        assertTrue(rest.endsWith("data: [DONE]\n\n<END>"), rest);
        List<SseParser.Event> events = SseParser.parse(rest);
        assertEquals(tokens + 3, events.size(), "tokens, finish, usage, [DONE]");
    }

    @Test
    void longZeroIntervalAnswerSpansSeveralLoopTurnsAndStaysInOrder() {
        // Written in batches with the loop yielded in between; EmbeddedChannel runs those tasks itself.
        int tokens = SimulatedText.wholeSentences(1000);
        EmbeddedChannel ch = channel(new SimulatorSettings(Duration.ZERO, Duration.ZERO, tokens, 0));
        ch.writeInbound(streamRequest());
        ch.runPendingTasks();
        List<SseParser.Event> events = SseParser.parse(drainBody());
        assertEquals(1 + tokens + 3, events.size());
        StringBuilder text = new StringBuilder();
        for (SseParser.Event e : events.subList(1, 1 + tokens)) {
            text.append(TestJson.deltaContent(e.data()));
        }
        assertEquals(SimulatedText.text(tokens), text.toString());
    }

    @Test
    void tokensArePacedByTheEventLoopScheduler() {
        EmbeddedChannel ch = channel(new SimulatorSettings(Duration.ofMillis(50), Duration.ofMillis(20), 3, 0));
        ch.writeInbound(streamRequest());
        assertEquals(1, SseParser.parse(drainBody()).size(), "role chunk only, first token is scheduled");
        assertTrue(ch.runScheduledPendingTasks() > 0, "first token waits for its delay");
    }

    @Test
    void disconnectCancelsScheduledTokens() {
        EmbeddedChannel ch = channel(new SimulatorSettings(Duration.ZERO, Duration.ofHours(1), 5, 0));
        ch.writeInbound(streamRequest());
        assertEquals(2, SseParser.parse(drainBody()).size(), "role chunk and first token");
        ch.close();
        assertEquals(-1, ch.runScheduledPendingTasks(), "no token is left scheduled");
    }

    @Test
    void pipelinedRequestsWaitAndQueuedOnesAreReleasedOnDisconnect() {
        EmbeddedChannel ch = channel(new SimulatorSettings(Duration.ZERO, Duration.ofHours(1), 5, 0));
        FullHttpRequest queued = streamRequest();
        ch.writeInbound(streamRequest(), queued);
        assertEquals(1, queued.refCnt(), "the second request waits, retained by the handler");
        ch.close();
        assertEquals(0, queued.refCnt(), "and is released when the client leaves");
    }
}
