package io.streamgate.bench.load;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Drives one stream on one connection: sends the POST, times the response's milestones, parses its SSE body and
 * decides whether it succeeded. Event-loop confined; reports exactly once through {@code onDone}.
 *
 * <p>A stream fails when the status is not 200, an event is an error or malformed, an event follows the terminal
 * one, the body ends without the terminal event, or the connection drops or times out. In hold mode the harness's
 * own close after the first content is a success.
 */
final class StreamHandler extends SimpleChannelInboundHandler<HttpObject> implements SseParser.Listener {

    private final Target target;
    private final String conversationId;
    private final String message;
    private final long startNanos;
    private final boolean hold;
    private final Consumer<StreamHandler> onFirstContent;
    private final Consumer<StreamResult> onDone;
    private final SseParser parser = new SseParser(this);

    private long headersNanos = -1;
    private long firstContentNanos = -1;
    private int events;
    private boolean ended;
    private boolean finished;
    private volatile boolean closingByHarness;
    private volatile ChannelHandlerContext ctx;

    StreamHandler(Target target, String conversationId, String message, long startNanos, boolean hold,
            Consumer<StreamHandler> onFirstContent, Consumer<StreamResult> onDone) {
        super(true);
        this.target = target;
        this.conversationId = conversationId;
        this.message = message;
        this.startNanos = startNanos;
        this.hold = hold;
        this.onFirstContent = onFirstContent;
        this.onDone = onDone;
    }

    /** Marks the coming close as the harness's own (hold mode), then closes. Any thread. */
    void closeByHarness() {
        closingByHarness = true;
        if (ctx != null) {
            ctx.channel().close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        byte[] body = target.format().body(message)
                .getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                target.uri(conversationId), Unpooled.wrappedBuffer(body));
        request.headers()
                .set(HttpHeaderNames.HOST, target.hostHeader())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (target.bearerKey() != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + target.bearerKey());
        }
        ctx.writeAndFlush(request);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (finished) {
            return;
        }
        if (msg instanceof HttpResponse response) {
            headersNanos = System.nanoTime() - startNanos;
            if (response.status().code() != 200) {
                fail("http_" + response.status().code());
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            try {
                parser.feed(content.content());
            } catch (IllegalStateException e) {
                fail("line_too_long");
                return;
            }
            if (msg instanceof LastHttpContent && !finished) {
                if (ended) {
                    succeed();
                } else {
                    fail("missing_" + target.format().endMarker());
                }
            }
        }
    }

    @Override
    public void onEvent(String type, String data, String lastEventId) {
        if (finished) {
            return;
        }
        events++;
        if (ended) {
            fail("event_after_end");
            return;
        }
        WireFormat.Kind kind;
        try {
            kind = target.format().classify(data);
        } catch (IOException e) {
            kind = WireFormat.Kind.MALFORMED;
        }
        switch (kind) {
            case CONTENT -> {
                if (firstContentNanos < 0) {
                    firstContentNanos = System.nanoTime() - startNanos;
                    if (hold) {
                        onFirstContent.accept(this);
                    }
                }
            }
            case END -> ended = true;
            case FAILURE -> fail("error_event:" + WireFormat.errorCode(data));
            case MALFORMED -> fail("malformed_event");
            case OTHER -> { }
        }
    }

    @Override
    public void onComment() {
        // keep-alive pings carry no timing information
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            if (closingByHarness && firstContentNanos >= 0) {
                succeed();
            } else {
                fail(closingByHarness ? "closed_at_deadline" : "connection_closed");
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause instanceof ReadTimeoutException ? "read_timeout" : "io_" + cause.getClass().getSimpleName());
    }

    private void succeed() {
        finish(null);
    }

    private void fail(String reason) {
        finish(reason);
    }

    private void finish(String error) {
        if (finished) {
            return;
        }
        finished = true;
        onDone.accept(new StreamResult(headersNanos, firstContentNanos, System.nanoTime() - startNanos, events, error));
        if (ctx != null) {
            ctx.channel().close();
        }
    }
}
