package io.streamgate.llm.netty;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.streamgate.llm.StreamParser;
import io.streamgate.llm.StreamingPost;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamTransport;
import io.streamgate.llm.UpstreamTrust;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The Netty transport: each provider stream is read on an event loop of {@code group}: the sink's
 * {@linkplain TokenSink#home() home} when that is one of them, whichever thread starts the call (the gateway's ring
 * names the client channel's loop, so the provider's bytes and the client's are handled by one thread, also for a
 * call opened on a store thread or retried after a backoff); else the caller's own loop when it is one of them; else
 * the group's next loop (a test, a sink with no home).
 *
 * <p>HTTP/1.1 only, one stream per connection, so that pausing reads on a slow client pushes back on the provider
 * through TCP. Connections are pooled per loop and origin ({@link LoopConnectionPool}); names are resolved with
 * {@code netty-resolver-dns}, never with a blocking lookup on a loop; TLS uses OpenSSL where netty-tcnative loads and
 * the JDK engine otherwise ({@link TlsContexts}), with SNI and hostname verification on both, trusting what
 * {@link UpstreamTrust} says (the system store plus an optional PEM file).
 */
public final class NettyTransport implements UpstreamTransport, AutoCloseable {


    static final AttributeKey<Origin> ORIGIN = AttributeKey.valueOf("streamgate.upstream.origin");

    /**
     * @param connectTimeout TCP (and TLS) connect limit
     * @param responseTimeout the longest wait for the response head after the request is written
     * @param firstEventTimeout the longest wait for the first event after the head
     * @param idleTimeout the longest silence between two reads afterwards; any byte from the provider counts
     * @param maxConnectionsPerOrigin connections (idle or in use) per event loop and origin; over it a stream fails
     *     with {@code upstream_unavailable}
     * @param maxIdlePerOrigin idle keep-alive connections kept per event loop and origin
     * @param keepAlive how long an idle connection is kept
     * @param maxEventBytes the largest SSE event (a line or its data); over it the stream ends with {@code upstream_error}
     * @param endGrace how long the body may take to end after the end marker before the connection is closed
     *     instead of going back to the pool
     * @param trust the CAs a TLS provider's certificate may chain to
     */
    public record Settings(
            Duration connectTimeout,
            Duration responseTimeout,
            Duration firstEventTimeout,
            Duration idleTimeout,
            int maxConnectionsPerOrigin,
            int maxIdlePerOrigin,
            Duration keepAlive,
            int maxEventBytes,
            Duration endGrace,
            UpstreamTrust trust) {

        public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;
        public static final int DEFAULT_MAX_CONNECTIONS_PER_ORIGIN = 1 << 14;

        public Settings {
            requireNonNull(connectTimeout, "connectTimeout");
            requireNonNull(responseTimeout, "responseTimeout");
            requireNonNull(firstEventTimeout, "firstEventTimeout");
            requireNonNull(idleTimeout, "idleTimeout");
            requireNonNull(keepAlive, "keepAlive");
            requireNonNull(endGrace, "endGrace");
            requireNonNull(trust, "trust");
            if (maxConnectionsPerOrigin < 1 || maxIdlePerOrigin < 0 || maxEventBytes < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        /**
         * 5 s connect, 60 s for the head, the first event and between reads, 16 384 connections and 256 idle ones
         * per loop and origin kept 5 min, 1 MiB events, 1 s for the body to end after the end marker.
         *
         * <p>The connection cap is per loop, and a loop serves its share of all streams: with two loops, 4 096 stopped
         * a gateway at about 8 000 streams to one provider (each needs its own connection), well below what the
         * process's file descriptors allow. 16 384 leaves the descriptors as the limit on small machines.
         */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60),
                    Duration.ofSeconds(60), DEFAULT_MAX_CONNECTIONS_PER_ORIGIN, 256, Duration.ofMinutes(5), DEFAULT_MAX_EVENT_BYTES,
                    Duration.ofSeconds(1), UpstreamTrust.system());
        }

        public Settings withTimeouts(Duration connect, Duration response, Duration firstEvent, Duration idle) {
            return new Settings(connect, response, firstEvent, idle, maxConnectionsPerOrigin, maxIdlePerOrigin,
                    keepAlive, maxEventBytes, endGrace, trust);
        }

        public Settings withPool(int maxConnectionsPerOrigin, int maxIdlePerOrigin, Duration keepAlive) {
            return new Settings(connectTimeout, responseTimeout, firstEventTimeout, idleTimeout, maxConnectionsPerOrigin,
                    maxIdlePerOrigin, keepAlive, maxEventBytes, endGrace, trust);
        }

        public Settings withMaxEventBytes(int maxEventBytes) {
            return new Settings(connectTimeout, responseTimeout, firstEventTimeout, idleTimeout, maxConnectionsPerOrigin,
                    maxIdlePerOrigin, keepAlive, maxEventBytes, endGrace, trust);
        }

        public Settings withEndGrace(Duration endGrace) {
            return new Settings(connectTimeout, responseTimeout, firstEventTimeout, idleTimeout, maxConnectionsPerOrigin,
                    maxIdlePerOrigin, keepAlive, maxEventBytes, endGrace, trust);
        }

        public Settings withTrust(UpstreamTrust trust) {
            return new Settings(connectTimeout, responseTimeout, firstEventTimeout, idleTimeout, maxConnectionsPerOrigin,
                    maxIdlePerOrigin, keepAlive, maxEventBytes, endGrace, trust);
        }
    }

    private final EventLoopGroup group;
    private final Settings settings;
    private final Bootstrap bootstrap;
    private final DnsAddressResolverGroup resolver;
    private final String tlsEngine;
    private final ConcurrentHashMap<EventLoop, LoopConnectionPool> pools = new ConcurrentHashMap<>();
    private final Runnable idle;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    private NettyTransport(
            EventLoopGroup group,
            Class<? extends SocketChannel> socketType,
            Class<? extends DatagramChannel> datagramType,
            Settings settings,
            Runnable idle,
            SslProvider tlsProvider) {
        this.group = group;
        this.settings = settings;
        this.idle = idle;
        SslContext tls = TlsContexts.client(settings.trust(), tlsProvider);
        this.tlsEngine = TlsContexts.describe(tlsProvider);
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(datagramType));
        this.bootstrap = new Bootstrap()
                .channel(socketType)
                .resolver(resolver)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Origin origin = ch.attr(ORIGIN).get();
                        if (origin.tls()) {
                            SslHandler ssl = tls.newHandler(ch.alloc(), origin.host(), origin.port()); // SNI
                            SSLEngine engine = ssl.engine();
                            SSLParameters parameters = engine.getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            if (!io.netty.util.NetUtil.isValidIpV4Address(origin.host())
                                    && !io.netty.util.NetUtil.isValidIpV6Address(origin.host())) {
                                // The JDK leaves SNI out for a name without a dot, such as localhost: ask for it.
                                parameters.setServerNames(List.of(new SNIHostName(origin.host())));
                            }
                            engine.setSSLParameters(parameters);
                            ch.pipeline().addLast("tls", ssl);
                        }
                        ch.pipeline().addLast("http", new HttpClientCodec());
                        ch.pipeline().addLast("idle-guard", IdleGuard.INSTANCE);
                    }
                });
    }

    /**
     * @param group the loops streams are read on; the gateway passes its own worker group
     * @param socketType the socket channel class that fits {@code group}'s I/O handler (NIO, epoll, io_uring)
     * @param datagramType the datagram channel class that fits it, for DNS
     */
    public static NettyTransport create(
            EventLoopGroup group,
            Class<? extends SocketChannel> socketType,
            Class<? extends DatagramChannel> datagramType,
            Settings settings) {
        return create(group, socketType, datagramType, settings, () -> {});
    }

    /**
     * @param idle runs on a loop each time the last call in flight has finished and given back or closed its
     *     connection, like OkHttp's dispatcher idle callback (tests use it to know nothing more can be published)
     */
    public static NettyTransport create(
            EventLoopGroup group,
            Class<? extends SocketChannel> socketType,
            Class<? extends DatagramChannel> datagramType,
            Settings settings,
            Runnable idle) {
        return create(group, socketType, datagramType, settings, idle, TlsContexts.preferredProvider());
    }

    /** As above with the TLS engine chosen: {@link SslProvider#OPENSSL} (where it loads) or {@link SslProvider#JDK}. */
    static NettyTransport create(
            EventLoopGroup group,
            Class<? extends SocketChannel> socketType,
            Class<? extends DatagramChannel> datagramType,
            Settings settings,
            Runnable idle,
            SslProvider tlsProvider) {
        return new NettyTransport(requireNonNull(group, "group"), requireNonNull(socketType, "socketType"),
                requireNonNull(datagramType, "datagramType"), requireNonNull(settings, "settings"),
                requireNonNull(idle, "idle"), requireNonNull(tlsProvider, "tlsProvider"));
    }

    /** The TLS engine upstream connections use, for the start-up log: OpenSSL's version, or the JDK's and why. */
    public String tlsEngine() {
        return tlsEngine;
    }

    /** Calls started and not yet finished. */
    public int callsInFlight() {
        return inFlight.get();
    }

    private void callFinished() {
        if (inFlight.decrementAndGet() == 0) {
            idle.run();
        }
    }

    @Override
    public UpstreamCall start(
            StreamingPost post, TokenSink sink, Function<? super TokenSink, ? extends StreamParser> parser) {
        requireNonNull(post, "post");
        requireNonNull(sink, "sink");
        EventLoop loop = loopFor(sink);
        NettyUpstreamCall call = new NettyUpstreamCall(loop, pool(loop), post, sink, parser, settings, this::callFinished);
        inFlight.incrementAndGet();
        if (loop.inEventLoop()) {
            call.openFromCaller(); // the loop's own non-blocking I/O; nothing is published before we return
        } else {
            loop.execute(call::open); // no I/O on a thread that is not the stream's loop
        }
        return call;
    }

    /** The sink's home when it is one of our loops, else {@link #loopForCaller()}. */
    EventLoop loopFor(TokenSink sink) {
        if (sink.home() instanceof EventLoop home) {
            for (EventExecutor executor : group) {
                if (executor == home) {
                    return home;
                }
            }
        }
        return loopForCaller();
    }

    /** The caller's own loop when it is one of ours: the stream is then read on the thread that serves its client. */
    EventLoop loopForCaller() {
        for (EventExecutor executor : group) { // a handful of loops; no thread-local lookup needed
            if (executor.inEventLoop() && executor instanceof EventLoop loop) {
                return loop;
            }
        }
        return group.next();
    }

    LoopConnectionPool pool(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> new LoopConnectionPool(l, bootstrap.clone().group(l),
                settings.maxConnectionsPerOrigin(), settings.maxIdlePerOrigin(), settings.keepAlive()));
    }

    public Settings settings() {
        return settings;
    }

    /** Closes idle connections and the resolver. Streams in flight are the caller's to cancel. */
    @Override
    public void close() {
        pools.forEach((loop, pool) -> {
            if (!loop.isShuttingDown()) {
                loop.execute(pool::closeIdle);
            }
        });
        resolver.close();
    }

    /** Sits at the end of a pooled connection's pipeline: between exchanges a provider has nothing to say. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class IdleGuard extends ChannelInboundHandlerAdapter {
        static final IdleGuard INSTANCE = new IdleGuard();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
