package io.streamgate.gateway;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
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
 *
 * <p>{@code SO_REUSEPORT} would also let a second gateway (any process of the same user that sets it) bind the same
 * port and silently take part of the traffic. So unless sharing is asked for, a probe socket without
 * {@code SO_REUSEPORT} is bound to the port first: the kernel refuses it while anything listens there. Only then, the
 * probe closed, are the listeners bound. (Binding just the first listener without the option would keep our other
 * loops out as well; one listener for all loops would bring back the hand-off above.) Two gateways started at the
 * very same moment could both pass the probe; one started while another serves cannot.
 */
final class Listeners implements AutoCloseable {

    private final List<Channel> channels;

    private Listeners(List<Channel> channels) {
        this.channels = List.copyOf(channels);
    }

    /**
     * Binds {@code template} (handlers and options, no group yet) on {@code loops} to {@code host}:{@code port};
     * port 0 picks one free port for all the sockets.
     *
     * @param share whether another process may listen on the same port too (zero-downtime restarts); needs a native
     *     transport. Without it, a port something already listens on fails with a {@link BindException}.
     */
    static Listeners bind(
            ServerBootstrap template, Transport transport, EventLoopGroup loops, String host, int port, boolean share)
            throws InterruptedException, IOException {
        requireNonNull(template, "template");
        requireNonNull(loops, "loops");
        requireNonNull(host, "host");
        ChannelOption<Boolean> reusePort = transport.reusePort();
        if (share && reusePort == null) {
            throw new IllegalArgumentException("sharing a port needs a transport with SO_REUSEPORT, not " + transport);
        }
        if (!share && port != 0) {
            ensureNothingListens(host, port);
        }
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

    private static void ensureNothingListens(String host, int port) throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true); // old connections in TIME_WAIT do not count
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            if (String.valueOf(e.getMessage()).contains("in use")) {
                throw new BindException("port " + port + " is already in use");
            }
            throw e;
        }
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
