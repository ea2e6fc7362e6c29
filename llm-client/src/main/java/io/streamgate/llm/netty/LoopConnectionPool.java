package io.streamgate.llm.netty;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive connections of one event loop, per origin. Everything here runs on that loop, so there are no locks
 * and a connection never changes threads: a stream is read on the loop that opened it.
 *
 * <p>Why not Netty's {@code FixedChannelPool}: it queues acquires over its limit (a stream must fail fast instead,
 * the gateway has its own admission control), has no idle eviction, and is thread-safe at a cost a loop-confined
 * pool does not need. This one is a LIFO stack of idle connections per origin (the most recently used first, so
 * the rest age out), each with one eviction timer, and a count of open connections capped per origin.
 */
final class LoopConnectionPool {

    /** Signals that the per-origin cap is reached; no connection was opened. */
    static final class CapReachedException extends Exception {
        CapReachedException(int cap) {
            super("upstream connection cap reached (" + cap + " per event loop and origin)", null, false, false);
        }
    }

    private record Idle(Channel channel, ScheduledFuture<?> eviction) {}

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int maxPerOrigin;
    private final int maxIdlePerOrigin;
    private final long keepAliveNanos;
    private final Map<Origin, ArrayDeque<Idle>> idle = new HashMap<>();
    private final Map<Origin, Integer> open = new HashMap<>();

    /** @param bootstrap configured for {@code loop}, its channel type and handler; connect adds the origin */
    LoopConnectionPool(EventLoop loop, Bootstrap bootstrap, int maxPerOrigin, int maxIdlePerOrigin, Duration keepAlive) {
        this.loop = requireNonNull(loop, "loop");
        this.bootstrap = requireNonNull(bootstrap, "bootstrap");
        this.maxPerOrigin = maxPerOrigin;
        this.maxIdlePerOrigin = maxIdlePerOrigin;
        this.keepAliveNanos = keepAlive.toNanos();
    }

    /** An idle connection to {@code origin} if one is alive, else a new one; fails at once over the cap. */
    Future<Channel> acquire(Origin origin) {
        assert loop.inEventLoop();
        ArrayDeque<Idle> stack = idle.get(origin);
        while (stack != null && !stack.isEmpty()) {
            Idle candidate = stack.pollLast();
            candidate.eviction().cancel(false);
            if (candidate.channel().isActive()) {
                return loop.newSucceededFuture(candidate.channel());
            }
        }
        int count = open.getOrDefault(origin, 0);
        if (count >= maxPerOrigin) {
            return loop.newFailedFuture(new CapReachedException(maxPerOrigin));
        }
        open.put(origin, count + 1);
        ChannelFuture connect = bootstrap.clone()
                .attr(NettyTransport.ORIGIN, origin)
                .connect(InetSocketAddress.createUnresolved(origin.host(), origin.port()));
        Channel channel = connect.channel();
        channel.closeFuture().addListener(f -> closed(origin, channel));
        var result = loop.<Channel>newPromise();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                result.trySuccess(channel);
            } else {
                channel.close();
                result.tryFailure(f.cause());
            }
        });
        return result;
    }

    /** Keeps {@code channel} for reuse if there is room, else closes it. Only for a connection between exchanges. */
    void release(Origin origin, Channel channel) {
        assert loop.inEventLoop();
        ArrayDeque<Idle> stack = idle.computeIfAbsent(origin, o -> new ArrayDeque<>());
        if (!channel.isActive() || stack.size() >= maxIdlePerOrigin) {
            channel.close();
            return;
        }
        ScheduledFuture<?> eviction = loop.schedule(() -> evict(origin, channel), keepAliveNanos, TimeUnit.NANOSECONDS);
        stack.addLast(new Idle(channel, eviction));
    }

    private void evict(Origin origin, Channel channel) {
        removeIdle(origin, channel);
        channel.close();
    }

    private void closed(Origin origin, Channel channel) {
        open.merge(origin, -1, Integer::sum);
        if (open.get(origin) <= 0) {
            open.remove(origin);
        }
        removeIdle(origin, channel);
    }

    private void removeIdle(Origin origin, Channel channel) {
        ArrayDeque<Idle> stack = idle.get(origin);
        if (stack == null) {
            return;
        }
        for (Iterator<Idle> it = stack.iterator(); it.hasNext(); ) {
            Idle i = it.next();
            if (i.channel() == channel) {
                i.eviction().cancel(false);
                it.remove();
            }
        }
        if (stack.isEmpty()) {
            idle.remove(origin);
        }
    }

    /** Open connections to {@code origin}, idle or in use. Loop only. */
    int openConnections(Origin origin) {
        return open.getOrDefault(origin, 0);
    }

    /** Idle connections to {@code origin}. Loop only. */
    int idleConnections(Origin origin) {
        ArrayDeque<Idle> stack = idle.get(origin);
        return stack == null ? 0 : stack.size();
    }

    /** Closes every idle connection. Loop only. */
    void closeIdle() {
        for (ArrayDeque<Idle> stack : idle.values()) {
            for (Idle i : stack) {
                i.eviction().cancel(false);
                i.channel().close();
            }
        }
        idle.clear();
    }
}
