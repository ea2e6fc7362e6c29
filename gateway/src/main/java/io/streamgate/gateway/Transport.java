package io.streamgate.gateway;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * The client port's I/O: native epoll by default on Linux, io_uring on request, NIO everywhere else.
 *
 * <p>Why epoll by default: on the benchmark machine io_uring measured no better (see the README's Performance
 * section), and epoll is the transport Netty has run longest in production.
 */
public enum Transport {
    EPOLL,
    IO_URING,
    NIO;

    /** The transport named by {@code STREAMGATE_TRANSPORT}: {@code auto}, {@code epoll}, {@code io_uring} or {@code nio}. */
    public static Transport named(String name) {
        Transport t = switch (name.toLowerCase(Locale.ROOT)) {
            case "auto" -> Epoll.isAvailable() ? EPOLL : NIO;
            case "epoll" -> EPOLL;
            case "io_uring" -> IO_URING;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException("unknown transport " + name);
        };
        t.ensureAvailable();
        return t;
    }

    /** The best transport this machine offers, as {@code auto} chooses it. */
    public static Transport best() {
        return named("auto");
    }

    private void ensureAvailable() {
        Throwable cause = switch (this) {
            case EPOLL -> Epoll.unavailabilityCause();
            case IO_URING -> IoUring.unavailabilityCause();
            case NIO -> null;
        };
        if (cause != null) {
            throw new IllegalStateException(name().toLowerCase(Locale.ROOT) + " is not available here: " + cause, cause);
        }
    }

    /** A group of {@code threads} event loops named {@code name-N}; daemon threads never hold the JVM up. */
    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** The client socket that fits this transport's loops: provider connections with the Netty upstream client. */
    public Class<? extends SocketChannel> socketChannel() {
        return switch (this) {
            case EPOLL -> EpollSocketChannel.class;
            case IO_URING -> IoUringSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /** The datagram socket that fits this transport's loops: DNS lookups with the Netty upstream client. */
    public Class<? extends DatagramChannel> datagramChannel() {
        return switch (this) {
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
            case NIO -> NioDatagramChannel.class;
        };
    }

    /** {@code SO_REUSEPORT} for the native transports, so that each event loop can have its own listening socket. */
    ChannelOption<Boolean> reusePort() {
        return switch (this) {
            case EPOLL -> EpollChannelOption.SO_REUSEPORT;
            case IO_URING -> IoUringChannelOption.SO_REUSEPORT;
            case NIO -> null;
        };
    }
}
