package io.streamgate.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * One tenant looping on history reads ({@code GET /api/v1/conversations/{id}}) over {@code connections}
 * keep-alive connections, each sending its next request as soon as the answer to the last one arrives: what a
 * misbehaving client does. On the load client's event loop, so the flood costs the harness little. Runs until
 * {@link #close}; counts answers by status.
 */
public final class HistoryFlood implements AutoCloseable {

    private static final int MAX_PAGE_BYTES = 4 << 20;

    private final Bootstrap bootstrap;
    private final Target target;
    private final String uri;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder reconnects = new LongAdder();
    private final long startedNanos = System.nanoTime();
    private volatile boolean running = true;
    private volatile long stoppedNanos;

    private HistoryFlood(Bootstrap bootstrap, Target target, String conversationId, int limit) {
        this.bootstrap = bootstrap;
        this.target = target;
        this.uri = target.basePath() + "/api/v1/conversations/" + conversationId + "?limit=" + limit;
    }

    /**
     * Starts {@code connections} loops reading pages of {@code limit} messages of {@code conversationId}'s history
     * as {@code target}'s tenant.
     */
    static HistoryFlood start(Bootstrap bootstrap, Target target, String conversationId, int limit, int connections) {
        HistoryFlood flood = new HistoryFlood(bootstrap, target, conversationId, limit);
        for (int i = 0; i < connections; i++) {
            flood.connect();
        }
        return flood;
    }

    private void connect() {
        bootstrap.clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_PAGE_BYTES),
                                new Loop());
                    }
                })
                .connect(target.host(), target.port());
    }

    private final class Loop extends SimpleChannelInboundHandler<FullHttpResponse> {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channels.add(ctx.channel());
            next(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            byStatus.computeIfAbsent(response.status().code(), k -> new LongAdder()).increment();
            next(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            channels.remove(ctx.channel());
            if (running) { // the server closed it: the flood goes on over a new connection
                reconnects.increment();
                connect();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void next(ChannelHandlerContext ctx) {
            if (!running) {
                ctx.close();
                return;
            }
            FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
            get.headers().set(HttpHeaderNames.HOST, target.hostHeader())
                    .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + target.bearerKey());
            ctx.writeAndFlush(get);
        }
    }

    /** E.g. {@code 41234 requests in 20.1 s (2050/s): 200=812 429=40422}. */
    public String summary() {
        long end = stoppedNanos > 0 ? stoppedNanos : System.nanoTime();
        double seconds = (end - startedNanos) / 1e9;
        Map<Integer, Long> counts = new TreeMap<>();
        byStatus.forEach((status, n) -> counts.put(status, n.sum()));
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT, "%d requests in %.1f s (%.0f/s):",
                total, seconds, total / seconds));
        counts.forEach((status, n) -> s.append(' ').append(status).append('=').append(n));
        if (reconnects.sum() > 0) {
            s.append(", reconnects=").append(reconnects.sum());
        }
        return s.toString();
    }

    @Override
    public void close() {
        running = false;
        stoppedNanos = System.nanoTime();
        channels.forEach(Channel::close);
    }
}
