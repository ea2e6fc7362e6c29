package io.streamgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request deadline and the idle timeout, on the embedded channel's own clock. */
class RequestTimeoutsTest {

    private static final long REQUEST_MS = 100;
    private static final long IDLE_MS = 1_000;

    /**
     * Answers {@code /now} on its head with a 204, {@code /continue} on its head with a 100 Continue (and then
     * nothing: the answer stays in flight), and anything else not at all.
     */
    private static final class Responder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest r && r.uri().equals("/now")) {
                var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
                ctx.writeAndFlush(response);
            } else if (msg instanceof HttpRequest r && r.uri().equals("/continue")) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(),
            new RequestTimeouts(Duration.ofMillis(REQUEST_MS), Duration.ofMillis(IDLE_MS)),
            new HttpServerKeepAliveHandler(), new Responder());

    @BeforeEach
    void freezeTheClock() {
        ch.freezeTime(); // only elapse() moves it
    }

    @AfterEach
    void release() {
        ch.finishAndReleaseAll();
    }

    private void receive(String raw) {
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.US_ASCII));
    }

    private void elapse(long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    private String written() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            out.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return out.toString();
    }

    private static String post(String path, int contentLength) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + HttpHeaderNames.CONTENT_LENGTH + ": "
                + contentLength + "\r\n\r\n";
    }

    @Test
    void aBodyThatStopsArrivingGets408WithinTheDeadline() {
        receive(post("/slow", 10) + "x");
        elapse(REQUEST_MS - 1);
        assertTrue(ch.isOpen());
        assertTrue(written().isEmpty());
        elapse(1);
        String out = written();
        assertTrue(out.startsWith("HTTP/1.1 408 "), out);
        assertTrue(out.contains("\"code\":\"request_timeout\""), out);
        assertFalse(ch.isOpen());
    }

    @Test
    void theDeadlineCountsFromTheFirstByteOfTheHead() {
        receive("POST /slow HTTP/1.1\r\n");
        elapse(REQUEST_MS / 2);
        receive("Host: localhost\r\nContent-Length: 2\r\n\r\nx");
        elapse(REQUEST_MS / 2);
        assertTrue(written().startsWith("HTTP/1.1 408 "));
        assertFalse(ch.isOpen());
    }

    @Test
    void aRequestThatHasArrivedIsNotTimedOutWhileItIsAnswered() {
        receive(post("/continue", 2));
        assertTrue(written().startsWith("HTTP/1.1 100 Continue"));
        receive("{}");
        elapse(IDLE_MS * 5);
        assertTrue(ch.isOpen(), "neither the deadline nor the idle timeout ends an answer in flight");
        assertTrue(written().isEmpty());
    }

    @Test
    void aRequestAnsweredOnItsHeadLeavesTheConnectionIdleOnceItsBodyEnds() {
        receive(post("/now", 4) + "ab");
        assertTrue(written().startsWith("HTTP/1.1 204 "));
        receive("cd");
        elapse(IDLE_MS - 1);
        assertTrue(ch.isOpen());
        elapse(1);
        assertFalse(ch.isOpen(), "idle after the answer, and closed by the idle timeout");
        assertTrue(written().isEmpty(), "no 408 for a request that was answered");
    }

    @Test
    void aBodyStillComingAfterAnEarlyAnswerIsBoundByTheDeadline() {
        receive(post("/now", 4) + "ab");
        assertTrue(written().startsWith("HTTP/1.1 204 "));
        elapse(REQUEST_MS);
        assertFalse(ch.isOpen());
        assertTrue(written().isEmpty(), "closed without a second answer");
    }
}
