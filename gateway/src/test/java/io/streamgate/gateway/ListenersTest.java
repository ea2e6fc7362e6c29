package io.streamgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.net.BindException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ListenersTest {

    private EventLoopGroup loops;

    @AfterEach
    void close() {
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPortThatIsListenedOnIsRefusedUnlessBothSidesShareIt(Transport transport) throws Exception {
        assumeAvailable(transport);
        loops = transport.newGroup(2, "listeners-test");
        ServerBootstrap template = new ServerBootstrap()
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.close();
                    }
                });
        try (Listeners first = Listeners.bind(template, transport, loops, "127.0.0.1", 0, transport != Transport.NIO)) {
            BindException refused = assertThrows(BindException.class,
                    () -> Listeners.bind(template, transport, loops, "127.0.0.1", first.port(), false));
            assertEquals("port " + first.port() + " is already in use", refused.getMessage());
            if (transport != Transport.NIO) {
                try (Listeners second = Listeners.bind(template, transport, loops, "127.0.0.1", first.port(), true)) {
                    assertEquals(first.port(), second.port(), "sharing was asked for on both sides");
                }
            }
        }
    }

    private static void assumeAvailable(Transport transport) {
        try {
            Transport.named(transport.name().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalStateException unavailable) {
            assumeTrue(false, unavailable.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void everyConnectionIsServedAndANativeTransportKeepsItWhereItWasAccepted(Transport transport) throws Exception {
        try {
            Transport.named(transport.name().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalStateException unavailable) {
            assumeTrue(false, unavailable.getMessage());
        }
        loops = transport.newGroup(2, "listeners-test");
        AtomicInteger served = new AtomicInteger();
        AtomicInteger movedAfterAccept = new AtomicInteger();
        ServerBootstrap template = new ServerBootstrap()
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ch.eventLoop() != ch.parent().eventLoop()) {
                            movedAfterAccept.incrementAndGet();
                        }
                        served.incrementAndGet();
                        ch.close();
                    }
                });
        try (Listeners listeners = Listeners.bind(template, transport, loops, "127.0.0.1", 0, false)) {
            assertTrue(listeners.port() > 0);
            assertEquals(transport == Transport.NIO ? 1 : 2, listeners.size());
            for (int i = 0; i < 40; i++) {
                try (Socket s = new Socket("127.0.0.1", listeners.port()); InputStream in = s.getInputStream()) {
                    assertEquals(-1, in.read(), "the server closes each connection");
                }
            }
        }
        assertEquals(40, served.get());
        if (transport != Transport.NIO) {
            assertEquals(0, movedAfterAccept.get(), "with SO_REUSEPORT no connection changes threads");
        }
    }
}
