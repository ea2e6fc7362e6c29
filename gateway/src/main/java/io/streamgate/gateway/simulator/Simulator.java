package io.streamgate.gateway.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import io.streamgate.gateway.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in upstream: an OpenAI-compatible streaming Chat Completions server inside the
 * gateway's process, on loopback only.
 *
 * <p>It exists so that the gateway runs, demos and tests end to end with no provider and no key:
 * the gateway points its ordinary OpenAI-compatible client at {@link #baseUrl()} and cannot tell
 * the difference, so the whole real path (HTTP client, SSE parsing, ring, coalescing) is exercised.
 * What it says is decided by {@link AnswerPlanner}: deterministic text, demo calls of the
 * gateway's built-in tools ({@code current_time}, {@code calculator}) when a question calls for
 * them and they are offered, answers built from the tool results it is handed back, and a
 * reasoning stream when asked to "think".
 * It has its own one-thread event loop so that its pacing never competes with, or blocks, the
 * gateway's loops; one thread is plenty, since every answer is scheduled, never slept.
 *
 * <p>Start it with {@link #start(SimulatorSettings)}, stop it with {@link #close()}.
 */
public final class Simulator implements AutoCloseable {

    /** Largest request body accepted; larger ones get {@code 413} from the aggregator. */
    static final int MAX_REQUEST_BYTES = 1 << 20;

    private static final Logger log = LoggerFactory.getLogger(Simulator.class);

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final String baseUrl;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Simulator(EventLoopGroup group, Channel serverChannel) {
        this.group = group;
        this.serverChannel = serverChannel;
        int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        this.baseUrl = "http://127.0.0.1:" + port + "/v1";
    }

    /**
     * Binds 127.0.0.1 on the configured port and returns once it listens.
     *
     * @throws IllegalStateException when the port cannot be bound; nothing is left running then
     */
    public static Simulator start(SimulatorSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "streamgate-simulator");
        try {
            JsonFactory jsonFactory = new JsonFactory();
            SimRequestParser parser = new SimRequestParser(jsonFactory);
            OpenAiJson json = new OpenAiJson(jsonFactory);
            AnswerPlanner planner = new AnswerPlanner(settings, jsonFactory);
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    new HttpServerCodec(),
                                    new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                    new SimulatorHandler(settings, parser,
                                            new AnthropicSimRequestParser(jsonFactory), planner, json));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()))
                    .syncUninterruptibly()
                    .channel();
            Simulator simulator = new Simulator(group, channel);
            // Debug: the gateway's start line names it, and a start that fails later prints only its one error line.
            log.debug("simulated upstream (built-in simulator) listening on {}", simulator.baseUrl);
            log.debug("simulator transport: {}", transport.name());
            return simulator;
        } catch (Exception e) { // bind() failures arrive as checked exceptions, rethrown unchecked by Netty
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
            throw new IllegalStateException("could not start the simulator on 127.0.0.1:" + settings.port(), e);
        }
    }

    /** The OpenAI-style base URL, {@code http://127.0.0.1:PORT/v1}; append {@code /chat/completions}. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Stops listening, closes open connections and waits until the event loop has terminated.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        // No quiet period: in-flight answers are synthetic, nobody is served by waiting for them.
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        log.debug("simulated upstream stopped");
    }
}
