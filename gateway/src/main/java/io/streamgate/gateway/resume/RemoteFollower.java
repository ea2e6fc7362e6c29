package io.streamgate.gateway.resume;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.streamgate.gateway.http.JsonResponses;
import io.streamgate.gateway.shared.SharedRedis;
import io.streamgate.gateway.stream.SharedJournals;
import io.streamgate.gateway.stream.SseEventEncoder;
import io.streamgate.gateway.stream.SseOutput;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One resume served from a stream's Redis copy, on the node the client reached: the kept events after
 * {@code Last-Event-ID}, then the live ones, until the copy's {@code end} entry.
 *
 * <p>Live tail: a connection of its own per follower ({@link SharedRedis#connectForBlocking()}, at most
 * {@code STREAMGATE_RESUME_REDIS_FOLLOWERS} per node) loops on {@code XREAD COUNT 64 BLOCK} from the last entry read,
 * so an entry reaches the follower one round trip after the owner's {@code XADD}, and an idle follower costs one
 * command per block period. The blocking read never runs on the shared connection, where it would hold up every other
 * command. The loop is pulled: the next read is sent once the last batch was written to the client's socket, so a
 * follower holds at most one batch; one whose socket takes nothing for the client stall timeout is dropped, and one
 * that falls behind what the copy keeps meets a gap and is dropped too (it resumes again and gets 410).
 *
 * <p>Never serves a gap: every event must carry the next sequence, and a {@code gap} entry, a malformed one or a
 * missing sequence ends the response without a terminal event, so the client resumes again and is refused then.
 * While idle it checks the owner's lease; gone twice in a row without an end entry (a copy nobody will finish), it
 * ends the response the same way. A dead owner's stream is ended by a reaper's {@code end} entry carrying a retryable
 * {@code stream_owner_lost} error, which reaches the follower like any event.
 *
 * <p>Event-loop confined to the client's loop; Redis answers are handed over to it.
 */
final class RemoteFollower {

    private static final int READ_COUNT = 64;

    private final RedisJournals hub;
    private final Channel client;
    private final EventLoop loop;
    private final String tenant;
    private final String conversationId;
    private final long lastSeen;
    private StreamLease lease;
    private String streamKey;
    private long next;
    private String lastId;
    private boolean admitted;
    private boolean done;
    private StatefulConnection<String, byte[]> connection;
    private RedisClusterAsyncCommands<String, byte[]> reads;
    private long lastWriteNanos;
    private long lastLeaseCheckNanos;
    private int leaseMisses;
    private ScheduledFuture<?> stallCheck;

    RemoteFollower(RedisJournals hub, Channel client, String tenant, String conversationId, long lastSeen) {
        this.hub = requireNonNull(hub, "hub");
        this.client = requireNonNull(client, "client");
        this.loop = client.eventLoop();
        this.tenant = requireNonNull(tenant, "tenant");
        this.conversationId = requireNonNull(conversationId, "conversationId");
        // Any id before the first means "from the start", as locally; one past any sequence, "after the end".
        this.lastSeen = Math.min(Math.max(-1, lastSeen), Long.MAX_VALUE / 2);
    }

    void start() {
        assert loop.inEventLoop();
        client.closeFuture().addListener(f -> loop.execute(this::stop));
        String pointer = StreamLease.pointerKey(StreamLease.hash(tenant, conversationId));
        hub.redis().call(c -> c.get(pointer))
                .whenComplete((value, failure) -> loop.execute(() -> located(value, failure)));
    }

    /** The conversation's latest stream in Redis: which one, and whether it is this tenant's. */
    private void located(byte[] member, Throwable failure) {
        if (done) {
            return;
        }
        if (failure != null || member == null) {
            refuse(noContent()); // Redis down: the resume is node-local, and this node has nothing
            return;
        }
        try {
            lease = StreamLease.parse(new String(member, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
            refuse(noContent());
            return;
        }
        if (!lease.belongsTo(tenant, conversationId)) {
            refuse(noContent());
            return;
        }
        streamKey = lease.streamKey();
        next = lastSeen + 1;
        String key = streamKey;
        CompletableFuture<List<StreamMessage<String, byte[]>>> first = hub.redis().call(c -> c.xrange(key,
                Range.from(Range.Boundary.including(MirrorEntry.idOf(lastSeen)), Range.Boundary.unbounded()),
                Limit.create(0, 1)));
        CompletableFuture<List<StreamMessage<String, byte[]>>> last = hub.redis().call(c -> c.xrevrange(key,
                Range.unbounded(), Limit.create(0, 1)));
        first.thenCombine(last, (f, l) -> new List<?>[] {f, l})
                .whenComplete((both, failed) -> loop.execute(() -> checked(both, failed)));
    }

    /**
     * Answers from the entry that holds the event after {@code lastSeen} and from the last entry: 410 when the events
     * after that id are gone (trimmed, or the copy has a gap), an empty replay when the stream ended before, else
     * the replay and the live tail.
     */
    @SuppressWarnings("unchecked")
    private void checked(List<?>[] both, Throwable failure) {
        if (done) {
            return;
        }
        if (failure != null) {
            refuse(noContent());
            return;
        }
        List<StreamMessage<String, byte[]>> firsts = (List<StreamMessage<String, byte[]>>) both[0];
        List<StreamMessage<String, byte[]>> lasts = (List<StreamMessage<String, byte[]>>) both[1];
        if (lasts.isEmpty()) {
            refuse(noContent()); // the copy expired
            return;
        }
        MirrorEntry lastEntry = entry(lasts.getFirst());
        MirrorEntry first = firsts.isEmpty() ? null : entry(firsts.getFirst());
        if (lastEntry.gap() || lastEntry.malformed() || first != null && (first.gap() || first.malformed()
                || first.sequences().length > 0 && first.firstSequence() > next)) {
            refuse(gone());
            return;
        }
        if (first == null && lastEntry.end()) {
            HttpResponse head = head();
            client.write(head, client.voidPromise());
            client.writeAndFlush(new DefaultLastHttpContent()).addListener(ChannelFutureListener.CLOSE);
            done = true;
            return;
        }
        if (!hub.admitFollower(streamKey)) {
            FullHttpResponse r = JsonResponses.error(client.alloc(), HttpResponseStatus.TOO_MANY_REQUESTS,
                    "too_many_followers", "this stream already has as many resumed followers as allowed");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
            refuse(r);
            return;
        }
        admitted = true;
        hub.redis().connectForBlocking().whenComplete((c, failed) -> loop.execute(() -> connected(c, failed)));
    }

    private void connected(StatefulConnection<String, byte[]> c, Throwable failure) {
        if (failure != null) {
            refuse(noContent());
            return;
        }
        connection = c;
        if (done) {
            c.closeAsync();
            return;
        }
        reads = SharedRedis.commandsOf(c);
        client.writeAndFlush(head(), client.voidPromise());
        lastWriteNanos = lastLeaseCheckNanos = System.nanoTime();
        lastId = MirrorEntry.idAfter(lastSeen);
        read();
    }

    private void read() {
        if (done) {
            return;
        }
        long block = Math.min(SharedRedis.MAX_BLOCK.toMillis(), hub.renewPeriodMillis());
        CompletableFuture<List<StreamMessage<String, byte[]>>> answer;
        try {
            answer = reads.xread(XReadArgs.Builder.count(READ_COUNT).block(block),
                    XReadArgs.StreamOffset.from(streamKey, lastId)).toCompletableFuture();
        } catch (RuntimeException e) {
            stop();
            return;
        }
        answer.whenComplete((messages, failed) -> loop.execute(() -> received(messages, failed)));
    }

    private void received(List<StreamMessage<String, byte[]>> messages, Throwable failure) {
        if (done) {
            return;
        }
        if (failure != null) {
            endWithoutTerminal(null); // lost Redis: the client resumes again
            return;
        }
        if (messages == null || messages.isEmpty()) {
            idle();
            return;
        }
        ByteBuf out = client.alloc().buffer();
        boolean end = false;
        boolean broken = false;
        entries:
        for (StreamMessage<String, byte[]> m : messages) {
            MirrorEntry e = entry(m);
            if (e.malformed() || e.gap()) {
                broken = true;
                break;
            }
            long[] sequences = e.sequences();
            for (int i = 0; i < sequences.length; i++) {
                if (sequences[i] < next) {
                    continue; // seen before lastSeen, or the start of the entry lastSeen is in
                }
                if (sequences[i] != next) {
                    broken = true; // trimmed under a slow follower, or lost: never served with a hole
                    break entries;
                }
                out.writeBytes(e.events()[i]);
                next++;
            }
            lastId = e.id();
            if (e.end()) {
                end = true;
                break;
            }
        }
        leaseMisses = 0;
        if (broken) {
            endWithoutTerminal(out);
        } else if (end) {
            done = true;
            client.writeAndFlush(new DefaultLastHttpContent(out)).addListener(ChannelFutureListener.CLOSE);
            stop();
        } else {
            write(out);
        }
    }

    /** Writes a batch; the next read is sent once it has left, or the follower is dropped if it never does. */
    private void write(ByteBuf out) {
        if (!out.isReadable()) {
            out.release();
            read();
            return;
        }
        lastWriteNanos = System.nanoTime();
        stallCheck = loop.schedule(this::stalled, hub.settings().clientStallTimeout().toNanos(), TimeUnit.NANOSECONDS);
        client.writeAndFlush(new DefaultHttpContent(out)).addListener(f -> {
            stallCheck.cancel(false);
            if (f.isSuccess()) {
                read();
            } else {
                stop();
            }
        });
    }

    private void stalled() {
        if (!done) {
            client.close(); // the client took nothing for the stall timeout: dropped, as a slow local follower is
        }
    }

    /** Nothing new within the block: a keep-alive when due, and now and then a look at the owner's lease. */
    private void idle() {
        long now = System.nanoTime();
        if (now - lastWriteNanos >= hub.settings().pingInterval().toNanos()) {
            ByteBuf ping = client.alloc().buffer(16);
            SseEventEncoder.encodePing(ping);
            write(ping);
            return;
        }
        if (now - lastLeaseCheckNanos < TimeUnit.MILLISECONDS.toNanos(hub.renewPeriodMillis())) {
            read();
            return;
        }
        lastLeaseCheckNanos = now;
        hub.redis().call(c -> c.zscore(StreamLease.LEASES, lease.memberBytes()))
                .whenComplete((score, failure) -> loop.execute(() -> {
                    if (done) {
                        return;
                    }
                    if (failure != null) {
                        endWithoutTerminal(null);
                        return;
                    }
                    // Gone twice, a renewal apart, with no end entry read meanwhile: nobody will end this copy.
                    leaseMisses = score == null ? leaseMisses + 1 : 0;
                    if (leaseMisses >= 2) {
                        endWithoutTerminal(null);
                    } else {
                        read();
                    }
                }));
    }

    /**
     * Ends the response after what could be served, without a terminal event and without the chunked body's end,
     * so that the client sees a dropped connection and resumes again from its last id.
     */
    private void endWithoutTerminal(ByteBuf out) {
        done = true;
        if (out != null && out.isReadable()) {
            client.writeAndFlush(new DefaultHttpContent(out)).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (out != null) {
                out.release();
            }
            client.close();
        }
        stop();
    }

    /** Releases the follower's place and its connection; runs once the response ended or the client left. */
    private void stop() {
        done = true;
        if (admitted) {
            admitted = false;
            hub.releaseFollower(streamKey);
        }
        if (connection != null) {
            connection.closeAsync();
            connection = null;
        }
    }

    private void refuse(FullHttpResponse response) {
        done = true;
        stop();
        SharedJournals.respondAndClose(client, response);
    }

    private FullHttpResponse gone() {
        return JsonResponses.error(client.alloc(), HttpResponseStatus.GONE, "resume_window_exceeded",
                "the events after id " + lastSeen + " are no longer kept");
    }

    private static FullHttpResponse noContent() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
    }

    /** The same head as a local resume: a resumed response ends its connection. */
    private static HttpResponse head() {
        HttpResponse head = SseOutput.head("text/event-stream");
        HttpUtil.setKeepAlive(head, false);
        return head;
    }

    private static MirrorEntry entry(StreamMessage<String, byte[]> m) {
        return MirrorEntry.of(m.getId(), m.getBody());
    }
}
