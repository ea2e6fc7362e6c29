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
 * <p>Bounded: at most {@code maxBytes} of events are kept, and fewer when the {@link StreamDirectory}'s global
 * budget trims this journal; the oldest are dropped first, and a resume from before what is kept is refused
 * rather than served with a gap. At most {@code maxFollowers} connections follow the live stream. Confined to the
 * stream's event loop: every method runs there (other threads hand work over with {@link #loop()}).
 */
public final class StreamJournal {

    /** What became of a resume request. */
    public enum Resume { ATTACHED, REPLAYED, GONE, TOO_MANY_FOLLOWERS }

    private record Entry(long sequence, byte[] sse) {}

    private final EventLoop loop;
    private final String tenant;
    private final long serial;
    private final int maxBytes;
    private final int maxFollowers;
    private final AtomicLong globalBytes;
    private final Runnable afterAppend;
    private final Runnable onEnd;
    private final JournalMirror mirror; // null: kept on this node only
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final List<Channel> followers = new ArrayList<>(1);
    private volatile long bytes; // read by the directory's eviction from other threads
    private long droppedThrough = -1; // the last sequence dropped; a resume from before it has a gap
    private boolean discarded;
    private boolean ended;
    private StreamBridge bridge;

    /**
     * @param serial orders journals by age in their directory
     * @param afterAppend runs after each append, on this loop: the directory's global budget check
     * @param mirror the copy other nodes resume from, or {@code null}
     */
    StreamJournal(EventLoop loop, String tenant, long serial, int maxBytes, int maxFollowers, AtomicLong globalBytes,
            Runnable afterAppend, Runnable onEnd, JournalMirror mirror) {
        this.loop = requireNonNull(loop, "loop");
        this.mirror = mirror;
        this.onEnd = requireNonNull(onEnd, "onEnd");
        this.tenant = requireNonNull(tenant, "tenant");
        this.serial = serial;
        this.maxBytes = maxBytes;
        this.maxFollowers = maxFollowers;
        this.globalBytes = requireNonNull(globalBytes, "globalBytes");
        this.afterAppend = requireNonNull(afterAppend, "afterAppend");
    }

    long serial() {
        return serial;
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
        if (discarded && mirror == null) {
            return; // a newer stream of the conversation took this one's place
        }
        byte[] copy = new byte[to - from];
        batch.getBytes(from, copy);
        if (mirror != null) {
            // Even once replaced here: the shared copy is what a dead owner's partial answer is rebuilt from.
            mirror.event(sequence, copy);
            if (discarded) {
                return;
            }
        }
        entries.addLast(new Entry(sequence, copy));
        bytes += copy.length;
        globalBytes.addAndGet(copy.length);
        while (bytes > maxBytes && entries.size() > 1) {
            dropOldest();
        }
        afterAppend.run();
    }

    /**
     * Drops the oldest events while {@code over} says the global budget is exceeded.
     *
     * @return true when this journal has ended and holds nothing any more
     */
    boolean trimWhile(java.util.function.BooleanSupplier over) {
        assert loop.inEventLoop();
        while (!entries.isEmpty() && over.getAsBoolean()) {
            dropOldest();
        }
        return ended && entries.isEmpty();
    }

    private void dropOldest() {
        Entry dropped = entries.removeFirst();
        bytes -= dropped.sse.length;
        globalBytes.addAndGet(-dropped.sse.length);
        droppedThrough = dropped.sequence;
    }

    /** Sends the bytes just flushed to the origin client to every follower too. */
    void forward(ByteBuf flushed) {
        if (mirror != null) {
            mirror.flushed();
        }
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
        if (mirror != null) {
            mirror.ended();
        }
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
     * @return {@link Resume#GONE} when events after {@code lastSeen} were already dropped, and
     *     {@link Resume#TOO_MANY_FOLLOWERS} when the live stream has as many followers as allowed; nothing is sent
     *     then
     */
    public Resume resume(Channel client, long lastSeen) {
        assert loop.inEventLoop();
        if (lastSeen < droppedThrough) {
            return Resume.GONE;
        }
        if (!ended && followers.size() >= maxFollowers) {
            return Resume.TOO_MANY_FOLLOWERS;
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
