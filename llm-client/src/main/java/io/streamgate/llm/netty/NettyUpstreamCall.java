package io.streamgate.llm.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.ForwardingTokenSink;
import io.streamgate.llm.GuardedSink;
import io.streamgate.llm.SseEvent;
import io.streamgate.llm.StreamParser;
import io.streamgate.llm.StreamingPost;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamFailures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider stream on one event loop: writes the request on a pooled connection, frames the body's events
 * ({@link SseFramer}) and hands them to the provider's {@link StreamParser}.
 *
 * <p>Everything but {@link #cancel()} runs on {@code loop}, so the state is plain fields. The stream contract is the
 * OkHttp transport's: one terminal event (a {@link GuardedSink}), none after a cancel, the same failure mapping
 * ({@link UpstreamFailures}). Differences that are the point of this transport:
 *
 * <ul>
 *   <li><b>Backpressure without parking.</b> Before each event the sink is asked whether its consumer is behind; if
 *       so the rest of the read stays buffered here, reading stops ({@code autoRead} off) and TCP pushes back on the
 *       provider, until the sink calls back. What one event publishes beyond a full sink waits in a small queue
 *       here, bounded by one event's fan-out.
 *   <li><b>Inline drains.</b> Each read batch is bracketed with {@link TokenSink#batchStarted()} (at its first
 *       {@code channelRead}) and {@link TokenSink#batchEnded()} (at {@code channelReadComplete}, or when the call
 *       finishes in the batch): its publishes wake nobody, and the consumer drains them at the batch's end on this
 *       same loop, with one flush per batch instead of a scheduled drain.
 *   <li><b>One timer.</b> Response head, first event, idle silence and the end grace share one scheduled task,
 *       re-armed lazily: a read only records the time, a new phase reschedules it only for an earlier limit, and the
 *       task reschedules itself when it fires early.
 *   <li><b>Connection reuse.</b> After the end marker the body must end within {@code endGrace} for the connection to
 *       go back to the pool; otherwise, and after any failure, cancel or refusal, it is closed.
 * </ul>
 */
final class NettyUpstreamCall extends ChannelInboundHandlerAdapter implements UpstreamCall {

    private static final Logger log = LoggerFactory.getLogger(NettyUpstreamCall.class);

    private enum State { CONNECTING, AWAITING_HEAD, STREAMING, ERROR_BODY, ENDING, DONE }

    private final EventLoop loop;
    private final LoopConnectionPool pool;
    private StreamingPost post; // dropped once the request is built: its body (the whole history) need not live on
    private final Origin origin;
    private final LoopSink loopSink;
    private final GuardedSink sink;
    private final StreamParser parser;
    private final SseFramer framer;
    private final NettyTransport.Settings settings;
    private final Runnable callFinished;

    private volatile boolean cancelled;
    private boolean opening; // inside openFromCaller()
    private State state = State.CONNECTING;
    private Channel channel;
    private ByteBuf pending; // body bytes read but not framed yet: a paused stream's backlog
    private boolean paused;
    private boolean bodyEnded;
    private boolean keepAlive;
    private boolean firstEvent;
    private int status;
    private String retryAfter;
    private ByteArrayOutputStream errorBody;
    private final Runnable expireTask = this::expire;
    private ScheduledFuture<?> timer; // the one timer, or null
    private long timerDeadline; // when it fires
    private long timeoutNanos; // the current phase's limit
    private long lastActivityNanos;
    private long endingSince; // when the end marker came in
    private boolean batchOpen; // between a read's first channelRead and its channelReadComplete: see TokenSink

    NettyUpstreamCall(
            EventLoop loop,
            LoopConnectionPool pool,
            StreamingPost post,
            TokenSink sink,
            Function<? super TokenSink, ? extends StreamParser> parser,
            NettyTransport.Settings settings,
            Runnable callFinished) {
        this.loop = loop;
        this.pool = pool;
        this.post = post;
        this.origin = Origin.of(post.url());
        this.loopSink = new LoopSink(java.util.Objects.requireNonNull(sink, "sink"));
        this.sink = new GuardedSink(loopSink);
        this.parser = java.util.Objects.requireNonNull(parser.apply(this.sink), "parser");
        this.framer = new SseFramer(settings.maxEventBytes());
        this.settings = settings;
        this.callFinished = callFinished;
    }

    // ---- lifecycle ----

    void open() {
        assert loop.inEventLoop();
        if (cancelled) {
            finish(false);
            return;
        }
        pool.acquire(origin).addListener((Future<Channel> f) -> {
            if (!f.isSuccess()) {
                whenPublishable(() -> connectFailed(f.cause()));
            } else if (cancelled || state == State.DONE) {
                f.getNow().close();
                finish(false);
            } else {
                send(f.getNow());
            }
        });
    }

    /**
     * {@link #open()} from the caller's own loop, inside {@code start}: an idle pooled connection gets the request
     * now rather than after everything already queued on the loop (under load, that queue is a whole turn's work).
     * What the call would publish at once (no room under the cap, a dead connection) waits for a task instead, so
     * that nothing reaches the sink before {@code start} has returned the call to its caller.
     */
    void openFromCaller() {
        assert loop.inEventLoop();
        opening = true;
        try {
            open();
        } finally {
            opening = false;
        }
    }

    /** Runs {@code action} now, or in a task while {@link #openFromCaller()} has not returned. */
    private void whenPublishable(Runnable action) {
        if (opening) {
            loop.execute(action);
        } else {
            action.run();
        }
    }

    private void connectFailed(Throwable cause) {
        if (cause instanceof LoopConnectionPool.CapReachedException) {
            fail(UpstreamError.of(ErrorCode.UPSTREAM_UNAVAILABLE, cause.getMessage(), true));
        } else if (cause instanceof ConnectTimeoutException) {
            fail(UpstreamFailures.forException(new SocketTimeoutException("connect"), false));
        } else {
            fail(UpstreamFailures.forException(cause, false));
        }
        finish(false);
    }

    private void send(Channel ch) {
        channel = ch;
        ch.pipeline().addBefore("idle-guard", "call", this);
        state = State.AWAITING_HEAD;
        lastActivityNanos = System.nanoTime();
        arm(settings.responseTimeout().toNanos());
        FullHttpRequest request = request();
        post = null; // a follow-up's whole history: not kept for the stream's life
        ch.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                whenPublishable(() -> {
                    if (state != State.DONE) {
                        fail(UpstreamFailures.forException(f.cause(), false));
                        finish(false);
                    }
                });
            }
        });
    }

    private FullHttpRequest request() {
        String target = post.url().encodedPath() + (post.url().encodedQuery() == null ? "" : "?" + post.url().encodedQuery());
        FullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, target, Unpooled.wrappedBuffer(post.body()));
        request.headers()
                .set(HttpHeaderNames.HOST, origin.hostHeader())
                .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY)
                .set(HttpHeaderNames.CONTENT_TYPE, post.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, post.body().length);
        for (Map.Entry<String, String> header : post.headers().entrySet()) {
            request.headers().set(header.getKey(), header.getValue());
        }
        return request;
    }

    @Override
    public void cancel() {
        cancelled = true;
        sink.close();
        if (loop.inEventLoop()) {
            cancelOnLoop();
        } else {
            loop.execute(this::cancelOnLoop);
        }
    }

    private void cancelOnLoop() {
        loopSink.clear(); // also after the end: what waits for room must not reach the client now
        if (state != State.CONNECTING) { // while connecting, open()'s listener closes the new connection
            finish(false);
        }
    }

    /** Ends the call once: the connection goes back to the pool if {@code reuse}, else it is closed. */
    private void finish(boolean reuse) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        releasePending();
        loopSink.flushWhenRoom(loop); // the connection is done with, but a terminal event may still wait for room
        errorBody = null;
        Channel ch = channel;
        if (ch != null) {
            if (ch.pipeline().get("call") == this) {
                ch.pipeline().remove(this);
            }
            if (reuse && keepAlive && !cancelled) {
                ch.config().setAutoRead(true); // a paused stream may end here; an idle connection must see a close
                pool.release(origin, ch);
            } else {
                ch.close();
            }
        }
        endBatch(); // this handler is gone: no channelReadComplete will end the batch
        callFinished.run();
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    private void fail(UpstreamError error) {
        if (sink.isOpen()) {
            log.debug("upstream call failed: {} (status {}, retryable {})", error.code(), error.httpStatus(), error.retryable());
            sink.publish(new UpstreamEvent.Failed(error));
        }
    }

    // ---- the response ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            lastActivityNanos = System.nanoTime();
            if (state == State.DONE) {
                return;
            }
            startBatch();
            if (msg instanceof HttpResponse response) {
                onHead(response);
            }
            if (msg instanceof HttpContent content && state != State.DONE) {
                sink.activity(); // body bytes that make no event (comments, pings, tool-argument pieces) count too
                onContent(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The read batch is over: the consumer takes what it published now, on this loop, with no task. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        endBatch();
        ctx.fireChannelReadComplete();
    }

    private void startBatch() {
        assert loop.inEventLoop();
        if (!batchOpen) {
            batchOpen = true;
            sink.batchStarted();
        }
    }

    private void endBatch() {
        assert loop.inEventLoop();
        if (batchOpen) {
            batchOpen = false;
            sink.batchEnded();
        }
    }

    private void onHead(HttpResponse response) {
        if (state != State.AWAITING_HEAD || !response.decoderResult().isSuccess()) {
            fail(UpstreamError.of(ErrorCode.UPSTREAM_ERROR, "upstream sent a malformed response", false));
            finish(false);
            return;
        }
        status = response.status().code();
        keepAlive = HttpUtil.isKeepAlive(response);
        retryAfter = response.headers().get(HttpHeaderNames.RETRY_AFTER);
        if (status < 200 || status > 299) {
            state = State.ERROR_BODY;
            errorBody = new ByteArrayOutputStream();
            return;
        }
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (!isEventStream(type)) {
            fail(new UpstreamError(ErrorCode.UPSTREAM_ERROR,
                    "upstream answered " + UpstreamFailures.sanitize(String.valueOf(type)) + " instead of text/event-stream",
                    false, status));
            finish(false);
            return;
        }
        state = State.STREAMING;
        arm(settings.firstEventTimeout().toNanos());
    }

    static boolean isEventStream(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return type.equals("text/event-stream");
    }

    private void onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (!content.decoderResult().isSuccess()) {
            fail(UpstreamFailures.forException(new IOException("malformed body"), true));
            finish(false);
            return;
        }
        switch (state) {
            case ERROR_BODY -> {
                ByteBuf bytes = content.content();
                int room = UpstreamFailures.MAX_ERROR_BODY_BYTES - errorBody.size();
                int n = Math.min(room, bytes.readableBytes());
                errorBody.write(io.netty.buffer.ByteBufUtil.getBytes(bytes, bytes.readerIndex(), n), 0, n);
                if (last || errorBody.size() >= UpstreamFailures.MAX_ERROR_BODY_BYTES) {
                    String body = errorBody.toString(StandardCharsets.UTF_8);
                    fail(UpstreamFailures.forResponse(status, body, retryAfter));
                    finish(last); // a body cut at the bound is not read on: the connection is closed
                }
            }
            case STREAMING -> {
                ByteBuf bytes = content.content();
                if (bytes.isReadable()) {
                    if (pending == null) {
                        pending = bytes.retain(); // framed where it lies: a stream that keeps up uses it all now
                    } else {
                        pending.discardSomeReadBytes(); // a paused stream's backlog must not keep what it has framed
                        pending.writeBytes(bytes);
                    }
                }
                bodyEnded = last;
                pump();
                if (pending != null && pending == bytes) {
                    keepRestOfRead();
                }
            }
            case ENDING -> {
                if (last) {
                    finish(true);
                }
            }
            default -> { }
        }
    }

    /**
     * A paused stream keeps what is left of a read in a buffer of its own: the read's buffer is a slice of the
     * HTTP decoder's, which can be much larger, and which the decoder must not have to copy out of while we hold it.
     */
    private void keepRestOfRead() {
        ByteBuf rest = channel.alloc().buffer(pending.readableBytes());
        rest.writeBytes(pending);
        pending.release();
        pending = rest;
    }

    /** Frames and parses what is pending, until it is used up, the consumer is behind or the stream ends. */
    private void pump() {
        while (state == State.STREAMING && !paused) {
            if (loopSink.behind()) {
                pause();
                return;
            }
            if (pending == null || !pending.isReadable()) {
                break;
            }
            SseFramer.Result result = framer.next(pending, this::onEvent);
            if (result == SseFramer.Result.OVERSIZED) {
                fail(UpstreamFailures.eventTooLarge(settings.maxEventBytes()));
                finish(false);
                return;
            }
        }
        if (pending != null && !pending.isReadable()) {
            releasePending();
        }
        if (state == State.STREAMING && bodyEnded && pending == null) {
            fail(UpstreamError.of(ErrorCode.UPSTREAM_ERROR, "upstream stream ended before " + parser.endMarker(), true));
            finish(true);
        }
    }

    private void onEvent(SseEvent event) {
        if (!firstEvent) {
            firstEvent = true;
            arm(settings.idleTimeout().toNanos());
        }
        boolean more = StreamParser.deliver(parser, sink, event, this::fail);
        if (more) {
            return;
        }
        if (parser.reachedEnd()) {
            endReached();
        } else {
            finish(false); // refused, failed or cancelled: stop reading now
        }
    }

    /** The end marker is in: the rest of the body is ignored, and must end soon for the connection to be reused. */
    private void endReached() {
        releasePending();
        if (bodyEnded) {
            finish(true);
            return;
        }
        state = State.ENDING;
        endingSince = System.nanoTime();
        // Nothing after the marker is published, so the consumer's pace no longer matters: read the body's end now,
        // or a stream that was paused when its marker came in would sit out the grace and lose its connection.
        paused = false;
        channel.config().setAutoRead(true);
        arm(settings.endGrace().toNanos());
    }

    // ---- backpressure ----

    private void pause() {
        paused = true;
        channel.config().setAutoRead(false);
        loopSink.whenBelowMark(() -> loop.execute(this::resume));
    }

    private void resume() {
        if (state == State.DONE || !paused) {
            return;
        }
        paused = false;
        startBatch(); // what waited here and what is pending go out as one batch, drained at its end
        loopSink.flush();
        pump();
        if (state == State.STREAMING && !paused) {
            channel.config().setAutoRead(true);
        }
        endBatch();
    }

    // ---- timers ----

    /**
     * Points the one timer at a new phase's limit, counted from the last activity (the end grace: from now). The
     * scheduled task is kept when it fires no later than the new limit, which is the usual case (the head, then the
     * first event, come long before the previous limit): it then waits out the rest when it fires. It is rescheduled
     * only for an earlier limit. A read only records its time.
     */
    private void arm(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        long deadline = deadline();
        if (timer != null) {
            if (timerDeadline - deadline <= 0) {
                return;
            }
            timer.cancel(false);
        }
        schedule(deadline);
    }

    /** When the current phase ends: its limit after the last activity, or after the end marker while ending. */
    private long deadline() {
        return (state == State.ENDING ? endingSince : lastActivityNanos) + timeoutNanos;
    }

    private void schedule(long deadline) {
        timerDeadline = deadline;
        timer = loop.schedule(expireTask, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void expire() {
        timer = null;
        if (state == State.DONE) {
            return;
        }
        long now = System.nanoTime();
        if (deadline() - now > 0) { // reads since it was scheduled, or an earlier phase's limit: wait the rest
            schedule(deadline());
            return;
        }
        if (state == State.ENDING) {
            finish(false); // the terminal event is out; the body did not end in time: close instead of reusing
            return;
        }
        if (paused) {
            // The consumer is the slow party, not the provider: it has its own watchdog.
            schedule(now + timeoutNanos);
            return;
        }
        fail(UpstreamFailures.forException(new SocketTimeoutException(), state != State.AWAITING_HEAD));
        finish(false);
    }

    // ---- the connection ----

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.DONE) {
            boolean started = state != State.AWAITING_HEAD;
            if (state == State.ERROR_BODY) {
                fail(UpstreamFailures.forResponse(status, errorBody.toString(StandardCharsets.UTF_8), retryAfter));
            } else if (state != State.ENDING) {
                fail(UpstreamFailures.forException(new ClosedChannelException(), started));
            }
            finish(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state != State.DONE) {
            fail(UpstreamFailures.forException(cause, state != State.AWAITING_HEAD));
            finish(false);
        }
    }

    /**
     * The provider-facing side of the sink: publishes while the consumer has room and queues the rest of one event's
     * fan-out when it has none, since a loop must not park. Loop only.
     */
    private static final class LoopSink extends ForwardingTokenSink {
        private final TokenSink delegate;
        private final ArrayDeque<UpstreamEvent> overflow = new ArrayDeque<>();
        private boolean refused;

        LoopSink(TokenSink delegate) {
            this.delegate = delegate;
        }

        @Override
        protected TokenSink delegate() {
            return delegate;
        }

        @Override
        public boolean publish(UpstreamEvent event) {
            if (refused) {
                return false;
            }
            if (!overflow.isEmpty() || delegate.isFull()) {
                overflow.add(event);
                return true;
            }
            refused = !delegate.publish(event);
            return !refused;
        }

        /** Whether the reader should stop: the consumer is behind, or events wait here. */
        boolean behind() {
            return !overflow.isEmpty() || delegate.aboveMark();
        }

        @Override
        public boolean aboveMark() {
            return behind();
        }

        void flush() {
            while (!overflow.isEmpty() && !refused && !delegate.isFull()) {
                refused = !delegate.publish(overflow.poll());
            }
        }

        /** Flushes now and again whenever the consumer makes room, until nothing waits here. */
        void flushWhenRoom(EventLoop loop) {
            flush();
            if (!overflow.isEmpty() && !refused) {
                delegate.whenBelowMark(() -> loop.execute(() -> flushWhenRoom(loop)));
            }
        }

        void clear() {
            overflow.clear();
        }
    }
}
