package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream's encoded events, kept so that a client that lost its connection can resume after the last event id
 * it saw ({@code Last-Event-ID}), and the live followers of the stream on other connections.
 *
 * <p>Bounded: at most {@code maxBytes} of events are kept; the oldest are dropped first, and a resume from before
 * what is kept is refused rather than served with a gap. Confined to the stream's event loop: every method runs
 * there (other threads hand work over with {@link #loop()}).
 */
public final class StreamJournal {

    /** What became of a resume request. */
    public enum Resume { ATTACHED, REPLAYED, GONE }

    private record Entry(long sequence, byte[] sse) {}

    private final EventLoop loop;
    private final String tenant;
    private final int maxBytes;
    private final AtomicLong globalBytes;
    private final Runnable onEnd;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final List<Channel> followers = new ArrayList<>(1);
    private volatile long bytes; // read by the directory's eviction from other threads
    private long firstKept;
    private boolean discarded;
    private boolean ended;
    private StreamBridge bridge;

    StreamJournal(EventLoop loop, String tenant, int maxBytes, AtomicLong globalBytes, Runnable onEnd) {
        this.loop = requireNonNull(loop, "loop");
        this.onEnd = requireNonNull(onEnd, "onEnd");
        this.tenant = requireNonNull(tenant, "tenant");
        this.maxBytes = maxBytes;
        this.globalBytes = requireNonNull(globalBytes, "globalBytes");
    }

    public EventLoop loop() {
        return loop;
    }

    public String tenant() {
        return tenant;
    }

    void bind(StreamBridge bridge) {
        this.bridge = bridge;
    }

    /** The live stream, or {@code null} once it has ended. */
    public StreamBridge liveStream() {
        return ended ? null : bridge;
    }

    /** Keeps the bytes of one encoded event, {@code [from, to)} of {@code batch}. */
    void append(long sequence, ByteBuf batch, int from, int to) {
        if (discarded) {
            return; // a newer stream of the conversation took this one's place
        }
        byte[] copy = new byte[to - from];
        batch.getBytes(from, copy);
        entries.addLast(new Entry(sequence, copy));
        bytes += copy.length;
        globalBytes.addAndGet(copy.length);
        while (bytes > maxBytes && entries.size() > 1) {
            Entry dropped = entries.removeFirst();
            bytes -= dropped.sse.length;
            globalBytes.addAndGet(-dropped.sse.length);
            firstKept = entries.getFirst().sequence;
        }
    }

    /** Sends the bytes just flushed to the origin client to every follower too. */
    void forward(ByteBuf flushed) {
        for (int i = followers.size() - 1; i >= 0; i--) {
            Channel follower = followers.get(i);
            if (!follower.isActive() || !follower.isWritable()) {
                // A follower that can't keep up is dropped, never silently skipped: it reconnects and resumes.
                followers.remove(i);
                follower.close();
                continue;
            }
            follower.writeAndFlush(new DefaultHttpContent(flushed.retainedDuplicate()), follower.voidPromise());
        }
    }

    /** The stream ended: followers get the end of their response too. */
    void end() {
        ended = true;
        bridge = null;
        onEnd.run();
        for (Channel follower : followers) {
            follower.writeAndFlush(new DefaultLastHttpContent(), follower.voidPromise());
        }
        followers.clear();
    }

    /**
     * Serves a resume on {@code client}: the response head, every kept event after {@code lastSeen}, then either
     * the end (the stream is over) or live events as they come.
     *
     * @return {@link Resume#GONE} when events after {@code lastSeen} were already dropped; nothing is sent then
     */
    public Resume resume(Channel client, long lastSeen) {
        if (!entries.isEmpty() && lastSeen + 1 < firstKept) {
            return Resume.GONE;
        }
        var head = SseOutput.head();
        io.netty.handler.codec.http.HttpUtil.setKeepAlive(head, false); // a resumed response ends its connection
        client.write(head, client.voidPromise());
        ByteBuf replay = Unpooled.buffer();
        for (Entry e : entries) {
            if (e.sequence > lastSeen) {
                replay.writeBytes(e.sse);
            }
        }
        if (ended) {
            client.writeAndFlush(new DefaultLastHttpContent(replay), client.voidPromise());
            return Resume.REPLAYED;
        }
        client.writeAndFlush(new DefaultHttpContent(replay), client.voidPromise());
        followers.add(client);
        client.closeFuture().addListener((ChannelFutureListener) f -> loop.execute(() -> followers.remove(client)));
        return Resume.ATTACHED;
    }

    boolean hasFollowers() {
        return !followers.isEmpty();
    }

    /** Frees what this journal holds; called when it leaves the directory. */
    void discard() {
        discarded = true;
        globalBytes.addAndGet(-bytes);
        bytes = 0;
        entries.clear();
    }

    long bytes() {
        return bytes;
    }

    boolean ended() {
        return ended;
    }
}
