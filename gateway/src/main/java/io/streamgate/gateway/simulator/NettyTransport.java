package io.streamgate.gateway.simulator;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Objects;

/**
 * The I/O transport for the simulator's server: native epoll when it is available, NIO otherwise.
 *
 * <p>Epoll is looked up by reflection because the gateway's pom puts
 * {@code netty-transport-native-epoll} in {@code runtime} scope: its classes are on the class path
 * when the gateway runs, but not when it compiles. Should the dependency ever become compile
 * scope, this reflection can be replaced by direct calls to {@code Epoll.isAvailable()},
 * {@code EpollIoHandler.newFactory()} and {@code EpollServerSocketChannel.class}.
 *
 * @param name "epoll" or "nio", for logs
 * @param ioHandlerFactory the factory for the event loop's I/O handler
 * @param serverChannelType the matching server channel class
 */
record NettyTransport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannelType) {

    NettyTransport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ioHandlerFactory, "ioHandlerFactory");
        Objects.requireNonNull(serverChannelType, "serverChannelType");
    }

    /** Epoll if {@code Epoll.isAvailable()}, else NIO. */
    static NettyTransport detect() {
        try {
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
            if ((Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                IoHandlerFactory factory = (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler")
                        .getMethod("newFactory").invoke(null);
                Class<? extends ServerChannel> channel = Class.forName("io.netty.channel.epoll.EpollServerSocketChannel")
                        .asSubclass(ServerChannel.class);
                return new NettyTransport("epoll", factory, channel);
            }
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            // Epoll is missing or unusable on this platform: NIO works everywhere.
        }
        return new NettyTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
}
