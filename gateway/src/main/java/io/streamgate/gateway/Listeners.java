package io.streamgate.gateway;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client port's listening sockets.
 *
 * <p>With a native transport (epoll, io_uring) there is one per event loop, all bound to the port with
 * {@code SO_REUSEPORT}: the kernel spreads new connections across them, and each connection stays on the loop that
 * accepted it. A request therefore
 * starts without a hand-off between threads, which on a small, busy machine costs a scheduling delay each time
 * (about 0.4 ms at the median on the 2-core benchmark machine). Elsewhere, one socket whose connections are
 * shared round-robin by the loops.
 */
final class Listeners implements AutoCloseable {

    private final List<Channel> channels;

    private Listeners(List<Channel> channels) {
        this.channels = List.copyOf(channels);
    }

    /**
     * Binds {@code template} (handlers and options, no group yet) on {@code loops} to {@code host}:{@code port};
     * port 0 picks one free port for all the sockets.
     */
    static Listeners bind(ServerBootstrap template, Transport transport, EventLoopGroup loops, String host, int port)
            throws InterruptedException {
        requireNonNull(template, "template");
        requireNonNull(loops, "loops");
        requireNonNull(host, "host");
        ChannelOption<Boolean> reusePort = transport.reusePort();
        if (reusePort == null) {
            return new Listeners(List.of(template.clone().group(loops, loops).bind(host, port).sync().channel()));
        }
        List<Channel> bound = new ArrayList<>();
        try {
            for (EventExecutor executor : loops) {
                EventLoop loop = (EventLoop) executor;
                Channel channel = template.clone()
                        .group(loop, loop)
                        .option(reusePort, true)
                        .bind(host, port)
                        .sync()
                        .channel();
                bound.add(channel);
                port = ((InetSocketAddress) channel.localAddress()).getPort();
            }
        } catch (RuntimeException | InterruptedException e) {
            bound.forEach(Channel::close);
            throw e;
        }
        return new Listeners(bound);
    }

    int port() {
        return ((InetSocketAddress) channels.getFirst().localAddress()).getPort();
    }

    int size() {
        return channels.size();
    }

    @Override
    public void close() {
        channels.forEach(c -> c.close().syncUninterruptibly());
    }
}
