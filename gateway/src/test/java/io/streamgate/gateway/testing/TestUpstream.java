package io.streamgate.gateway.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A scriptable provider on loopback, for end-to-end tests: it answers each request the way the test says
 * (replay a recorded stream, fail with a status, cut the body, or hand the test a {@link LiveStream} to drive),
 * and lets the test observe what the gateway did to it (requests sent, connections closed, backpressure).
 */
public final class TestUpstream implements AutoCloseable {

    /** What the gateway sent; {@code headers} holds every header, names in lower case (the last of repeated ones). */
    public record Request(String method, String uri, String authorization, String body, Map<String, String> headers) {

        /** A header's value, or {@code null}. */
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** How to answer one request. */
    public sealed interface Reply {
        /** 200 event-stream with {@code body}; {@code bytewise} sends each byte as its own flushed chunk. */
        record Sse(byte[] body, boolean bytewise) implements Reply {}

        /** A plain response with a status and extra headers (name, value, name, value, ...). */
        record Status(int status, String body, String... headers) implements Reply {}

        /** 200 event-stream with {@code body}, then the connection drops without ending the chunked body. */
        record Cut(byte[] body) implements Reply {}

        /** 200 event-stream headers, then the test drives the body through the {@link LiveStream}. */
        record Live(CompletableFuture<LiveStream> stream) implements Reply {}

        /** Like {@link Live}, for many requests: each one's stream is put on the queue. */
        record LiveEach(java.util.concurrent.BlockingQueue<LiveStream> streams) implements Reply {}

        static Reply sse(String body) {
            return new Sse(body.getBytes(StandardCharsets.UTF_8), false);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final SslContext tls;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Reply> script = r -> new Reply.Status(500, "{\"error\":\"no script\"}");

    public TestUpstream() {
        this(null);
    }

    /** @param tls with a server context, the provider speaks HTTPS only, at {@code https://localhost:PORT/v1} */
    public TestUpstream(SslContext tls) {
        this.tls = tls;
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 16 * 1024)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8 * 1024, 32 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    /** The base URL to give the gateway, like {@code http://127.0.0.1:PORT/v1} (or https, see the constructor). */
    public String baseUrl() {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        return tls != null ? "https://localhost:" + port + "/v1" : "http://127.0.0.1:" + port + "/v1";
    }

    public void script(Function<Request, Reply> script) {
        this.script = script;
    }

    /** Answers every request with {@code reply}. */
    public void always(Reply reply) {
        script(r -> reply);
    }

    /** Answers the next requests with live streams, handed to the test through the returned future. */
    public CompletableFuture<LiveStream> live() {
        CompletableFuture<LiveStream> f = new CompletableFuture<>();
        always(new Reply.Live(f));
        return f;
    }

    public List<Request> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A response body the test writes piece by piece. All methods are safe from the test thread. */
    public static final class LiveStream {
        private final Channel channel;
        private final CountDownLatch closed = new CountDownLatch(1);
        private final CountDownLatch backpressured = new CountDownLatch(1);
        private Pump pump;

        LiveStream(Channel channel) {
            this.channel = channel;
            channel.closeFuture().addListener(f -> closed.countDown());
        }

        /** Writes raw SSE text and flushes it. */
        public void send(String sseText) {
            channel.eventLoop().execute(() -> channel.writeAndFlush(
                    new DefaultHttpContent(Unpooled.copiedBuffer(sseText, StandardCharsets.UTF_8))));
        }

        /**
         * Writes each of {@code pieces} {@code interval} after the one before (the first at once), on the provider's
         * loop, then {@code trailer}, and ends the body: a provider that is slow but never silent for longer than
         * {@code interval}.
         */
        public void sendPaced(List<String> pieces, Duration interval, String trailer) {
            channel.eventLoop().execute(() -> sendFrom(pieces, 0, interval.toNanos(), trailer));
        }

        private void sendFrom(List<String> pieces, int next, long intervalNanos, String trailer) {
            if (!channel.isActive()) {
                return;
            }
            if (next == pieces.size()) {
                channel.write(new DefaultHttpContent(Unpooled.copiedBuffer(trailer, StandardCharsets.UTF_8)));
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(pieces.get(next), StandardCharsets.UTF_8)));
            channel.eventLoop().schedule(() -> sendFrom(pieces, next + 1, intervalNanos, trailer),
                    intervalNanos, TimeUnit.NANOSECONDS);
        }

        /** Ends the body properly. */
        public void end() {
            channel.eventLoop().execute(() -> channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
        }

        /** Drops the connection mid-body. */
        public void cut() {
            channel.close();
        }

        /**
         * Writes {@code count} events produced by {@code eventAt} as fast as the gateway reads them: it stops
         * while the socket is not writable (counting down {@link #awaitBackpressure}) and resumes when it is;
         * after the last one it writes {@code trailer} and ends the body.
         */
        public void pump(int count, IntFunction<String> eventAt, String trailer) {
            channel.eventLoop().execute(() -> {
                pump = new Pump(count, eventAt, trailer);
                pump.run();
            });
        }

        public boolean awaitClosed(long seconds) throws InterruptedException {
            return closed.await(seconds, TimeUnit.SECONDS);
        }

        public boolean awaitBackpressure(long seconds) throws InterruptedException {
            return backpressured.await(seconds, TimeUnit.SECONDS);
        }

        void writabilityChanged() {
            if (pump != null && channel.isWritable()) {
                pump.run();
            }
        }

        private final class Pump implements Runnable {
            private final int count;
            private final IntFunction<String> eventAt;
            private final String trailer;
            private int next;

            Pump(int count, IntFunction<String> eventAt, String trailer) {
                this.count = count;
                this.eventAt = eventAt;
                this.trailer = trailer;
            }

            @Override
            public void run() {
                while (next < count) {
                    if (!channel.isWritable()) {
                        backpressured.countDown();
                        channel.flush();
                        return;
                    }
                    channel.write(new DefaultHttpContent(
                            Unpooled.copiedBuffer(eventAt.apply(next++), StandardCharsets.UTF_8)));
                }
                pump = null;
                channel.write(new DefaultHttpContent(Unpooled.copiedBuffer(trailer, StandardCharsets.UTF_8)));
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private LiveStream live;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            Map<String, String> received = new java.util.HashMap<>();
            msg.headers().forEach(h -> received.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            Request request = new Request(msg.method().name(), msg.uri(),
                    msg.headers().get(HttpHeaderNames.AUTHORIZATION), msg.content().toString(StandardCharsets.UTF_8),
                    Map.copyOf(received));
            requests.add(request);
            switch (script.apply(request)) {
                case Reply.Sse(byte[] body, boolean bytewise) -> {
                    ctx.write(sseHead());
                    if (bytewise) {
                        for (byte b : body) {
                            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {b})));
                        }
                    } else {
                        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(body)));
                    }
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                }
                case Reply.Status(int status, String body, String[] headers) -> {
                    var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    for (int i = 0; i + 1 < headers.length; i += 2) {
                        r.headers().set(headers[i], headers[i + 1]);
                    }
                    HttpUtil.setContentLength(r, r.content().readableBytes());
                    ctx.writeAndFlush(r);
                }
                case Reply.Cut(byte[] body) -> {
                    ctx.write(sseHead());
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(body)))
                            .addListener(ChannelFutureListener.CLOSE);
                }
                case Reply.Live(CompletableFuture<LiveStream> future) -> {
                    ctx.writeAndFlush(sseHead());
                    live = new LiveStream(ctx.channel());
                    future.complete(live);
                }
                case Reply.LiveEach(java.util.concurrent.BlockingQueue<LiveStream> queue) -> {
                    ctx.writeAndFlush(sseHead());
                    live = new LiveStream(ctx.channel());
                    queue.add(live);
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (live != null) {
                live.writabilityChanged();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private static DefaultHttpResponse sseHead() {
            var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(head, true);
            return head;
        }
    }
}
