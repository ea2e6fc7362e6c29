package io.streamgate.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.streamgate.gateway.Transport;
import java.util.concurrent.TimeUnit;

/**
 * The Netty HTTP/1.1 load client: one event-loop group (native epoll where available) shared by every pass of a
 * harness run, so that the client's own cost stays small and constant across the targets it compares.
 *
 * <p>Each stream gets its own connection, as a browser's {@code EventSource} over HTTP/1.1 does.
 */
public final class LoadClient implements AutoCloseable {

    private final EventLoopGroup group;
    private final Transport transport;

    /** @param threads event-loop threads; one is enough for thousands of streams and leaves cores to the servers */
    public LoadClient(int threads) {
        transport = Transport.best();
        group = transport.newGroup(threads, "bench-client");
    }

    /** Starts a pass against {@code target}; it launches streams in the background, paced by {@code plan}. */
    public LoadRun start(Target target, LoadPlan plan) {
        return LoadRun.launch(bootstrap(), target, plan);
    }

    /** Starts a history flood by {@code target}'s tenant (see {@link HistoryFlood}) on this client's loops. */
    public HistoryFlood flood(Target target, String conversationId, int limit, int connections) {
        return HistoryFlood.start(bootstrap(), target, conversationId, limit, connections);
    }

    private Bootstrap bootstrap() {
        return new Bootstrap()
                .group(group)
                .channel(transport == Transport.EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
    }

    public String transportName() {
        return transport.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
