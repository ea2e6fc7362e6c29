package io.streamgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListenersTest {

    private final Transport transport = Transport.best();
    private final EventLoopGroup loops = transport.newGroup(2, "listeners-test");

    @AfterEach
    void close() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void everyConnectionIsServedWhereItWasAcceptedWithEpollAndAllOfThemAreServed() throws Exception {
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
        try (Listeners listeners = Listeners.bind(template, transport, loops, "127.0.0.1", 0)) {
            assertTrue(listeners.port() > 0);
            assertEquals(transport == Transport.EPOLL ? 2 : 1, listeners.size());
            for (int i = 0; i < 40; i++) {
                try (Socket s = new Socket("127.0.0.1", listeners.port()); InputStream in = s.getInputStream()) {
                    assertEquals(-1, in.read(), "the server closes each connection");
                }
            }
        }
        assertEquals(40, served.get());
        if (transport == Transport.EPOLL) {
            assertEquals(0, movedAfterAccept.get(), "with SO_REUSEPORT no connection changes threads");
        }
    }
}
