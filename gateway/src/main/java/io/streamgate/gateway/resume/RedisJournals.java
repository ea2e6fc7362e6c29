package io.streamgate.gateway.resume;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.ZAddArgs;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.streamgate.gateway.shared.RedisHealth;
import io.streamgate.gateway.shared.SharedRedis;
import io.streamgate.gateway.stream.JournalMirror;
import io.streamgate.gateway.stream.SharedJournals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of the stream journals the nodes share on Redis: the {@link StreamMirror}s of the streams it
 * runs, their owner leases, the {@link RemoteFollower}s that follow other nodes' streams from here, and the
 * {@link OwnerReaper} that ends dead owners' streams.
 *
 * <p>Leases: each live stream's {@link StreamLease#member()} sits in {@code sg:leases} scored by its deadline. Every
 * third of the lease TTL one thread renews all of this node's leases in a few pipelined {@code ZADD XX} commands
 * (and pushes back the expiry of their keys), retries what Redis refused while it was down, and runs the reaper.
 * Commands never wait: Redis being down costs one failed future each.
 *
 * <p>Bounded: one mirror per live stream; the retry queue holds at most {@link #MAX_PENDING} leases (beyond that the
 * keys still expire by their TTL); at most {@code maxRemoteFollowers} remote followers, each with its own Redis
 * connection for its blocking reads, and at most {@code maxFollowersPerStream} per stream.
 */
public final class RedisJournals implements SharedJournals, AutoCloseable {

    /**
     * Settings of the shared journals.
     *
     * @param mirrorFlush how long a stream's flushed events may wait to be written to its copy together
     *        ({@link StreamMirror}); zero writes each flush at once
     */
    public record Settings(Duration lease, Duration window, int maxEntries, int maxFollowersPerStream,
            int maxRemoteFollowers, Duration pingInterval, Duration clientStallTimeout, Duration mirrorFlush) {
        public Settings {
            requireNonNull(lease, "lease");
            if (requireNonNull(mirrorFlush, "mirrorFlush").isNegative()) {
                throw new IllegalArgumentException("mirrorFlush must not be negative");
            }
            requireNonNull(window, "window");
            requireNonNull(pingInterval, "pingInterval");
            requireNonNull(clientStallTimeout, "clientStallTimeout");
        }
    }

    /** Stores a dead owner's partial answer; called on a Lettuce thread, it must hand the store work over. */
    @FunctionalInterface
    public interface PartialAnswers {
        void store(String tenant, String conversationId, io.streamgate.gateway.conversation.AssistantTurn turn);
    }

    static final int MAX_PENDING = 10_000;
    private static final int RENEW_BATCH = 256;
    private static final Logger log = LoggerFactory.getLogger(RedisJournals.class);

    private final SharedRedis redis;
    private final Settings settings;
    private final Set<StreamMirror> live = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<EventLoop, MirrorWrites> writesByLoop = new ConcurrentHashMap<>();
    private final Set<StreamMirror> unmarkedGaps = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<StreamLease> pendingEnds = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicInteger remoteFollowers = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> followersByStream = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final OwnerReaper reaper;

    public RedisJournals(SharedRedis redis, Settings settings, PartialAnswers partials) {
        this.redis = requireNonNull(redis, "redis");
        this.settings = requireNonNull(settings, "settings");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamgate-stream-leases");
            t.setDaemon(true);
            return t;
        });
        this.reaper = new OwnerReaper(this, requireNonNull(partials, "partials"));
        redis.health().onTransition(state -> {
            if (state == RedisHealth.State.UP) {
                reaper.redisCameBack();
                timer.execute(this::tick); // renew and clean up at once, before any reaper elsewhere looks
            }
        });
        long period = renewPeriodMillis();
        timer.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    SharedRedis redis() {
        return redis;
    }

    Settings settings() {
        return settings;
    }

    int maxEntries() {
        return settings.maxEntries();
    }

    long renewPeriodMillis() {
        return Math.max(50, settings.lease().toMillis() / 3);
    }

    /** How long a live stream's keys live unless pushed back: past its lease, a resume window. */
    long liveKeyTtlMillis() {
        return settings.lease().toMillis() + settings.window().toMillis();
    }

    long windowMillis() {
        return settings.window().toMillis();
    }

    @Override
    public JournalMirror open(String tenant, String conversationId, EventLoop loop) {
        if (!redis.health().isUp()) {
            return null; // degraded: this stream is resumable on this node only
        }
        StreamLease lease = StreamLease.create(redis.nodeId(), tenant, conversationId);
        StreamMirror mirror = new StreamMirror(this, lease, loop,
                writesByLoop.computeIfAbsent(loop, l -> new MirrorWrites(redis, l)), settings.mirrorFlush());
        byte[] member = lease.memberBytes();
        long deadline = System.currentTimeMillis() + settings.lease().toMillis();
        // Pipelined behind each other on the shared connection, so they land before the stream's first entry.
        mirror.watch(redis.call(c -> c.set(lease.pointerKey(), member, SetArgs.Builder.px(liveKeyTtlMillis()))));
        mirror.watch(redis.call(c -> c.zadd(StreamLease.LEASES, ZAddArgs.Builder.nx(), deadline, member)));
        live.add(mirror);
        return mirror;
    }

    @Override
    public void resume(Channel client, String tenant, String conversationId, long lastSeen) {
        new RemoteFollower(this, client, tenant, conversationId, lastSeen).start();
    }

    /** Takes a remote follower's place for {@code streamKey}; false when this node or that stream has no room. */
    boolean admitFollower(String streamKey) {
        if (remoteFollowers.incrementAndGet() > settings.maxRemoteFollowers()) {
            remoteFollowers.decrementAndGet();
            return false;
        }
        AtomicInteger n = followersByStream.computeIfAbsent(streamKey, k -> new AtomicInteger());
        if (n.incrementAndGet() > settings.maxFollowersPerStream()) {
            releaseFollower(streamKey);
            return false;
        }
        return true;
    }

    void releaseFollower(String streamKey) {
        remoteFollowers.decrementAndGet();
        followersByStream.computeIfPresent(streamKey, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Remote followers on this node now. */
    public int remoteFollowers() {
        return remoteFollowers.get();
    }

    /** Streams of this node mirrored now. */
    public int mirrored() {
        return live.size();
    }

    /** A mirror's stream ended: mark the end of its copy (or the gap, if it had one) and give up its lease. */
    void ended(StreamMirror mirror, StreamMirror.State was) {
        live.remove(mirror);
        unmarkedGaps.remove(mirror);
        switch (was) {
            case LIVE -> finish(mirror.lease(), MirrorEntry.END);
            case BROKEN -> finish(mirror.lease(), MirrorEntry.GAP);
            case LOST, ENDED -> { } // a reaper ended the copy, or it was already ended
        }
    }

    /** A mirror's copy has a gap: mark it once Redis takes it; its lease is still renewed (the stream runs). */
    void broken(StreamMirror mirror) {
        unmarkedGaps.add(mirror);
    }

    /** A mirror whose lease a reaper took. */
    void forget(StreamMirror mirror) {
        live.remove(mirror);
        unmarkedGaps.remove(mirror);
    }

    /**
     * Appends an {@code end} or {@code gap} entry, sets the resume window and drops the lease. An end that fails
     * is retried as a gap: whether the copy got everything is not known then.
     */
    private void finish(StreamLease lease, String marker) {
        String key = lease.streamKey();
        CompletableFuture<?> entry = redis.call(c -> c.xadd(key, new XAddArgs().maxlen(maxEntries()),
                marker, MirrorEntry.EMPTY));
        CompletableFuture<?> expiry = redis.call(c -> c.pexpire(key, windowMillis()));
        CompletableFuture<?> released = redis.call(c -> c.zrem(StreamLease.LEASES, lease.memberBytes()));
        CompletableFuture.allOf(entry, expiry, released).whenComplete((ok, failure) -> {
            if (failure != null) {
                retryLater(lease);
            }
        });
    }

    private void retryLater(StreamLease lease) {
        if (pendingCount.incrementAndGet() > MAX_PENDING) {
            pendingCount.decrementAndGet();
            return; // its keys expire by themselves; its lease may be reaped, which marks the copy ended too
        }
        pendingEnds.add(lease);
    }

    /** Every third of the lease: retries, gap marks, renewals, then the reaper. On the timer thread. */
    private void tick() {
        try {
            if (!redis.health().isUp()) {
                return;
            }
            for (int n = pendingCount.get(); n > 0; n--) {
                StreamLease lease = pendingEnds.poll();
                if (lease == null) {
                    break;
                }
                pendingCount.decrementAndGet();
                finish(lease, MirrorEntry.GAP);
            }
            for (StreamMirror m : unmarkedGaps) {
                String key = m.lease().streamKey();
                redis.call(c -> c.xadd(key, new XAddArgs().maxlen(maxEntries()), MirrorEntry.GAP, MirrorEntry.EMPTY))
                        .thenCompose(id -> redis.call(c -> c.pexpire(key, liveKeyTtlMillis())))
                        .thenRun(() -> unmarkedGaps.remove(m));
            }
            renew();
            reaper.reap();
        } catch (RuntimeException e) {
            log.warn("stream leases: {}", e.toString()); // never let one failure stop the timer
        }
    }

    private void renew() {
        long deadline = System.currentTimeMillis() + settings.lease().toMillis();
        List<StreamMirror> batch = new ArrayList<>(Math.min(RENEW_BATCH, live.size()));
        for (StreamMirror m : live) {
            batch.add(m);
            if (batch.size() == RENEW_BATCH) {
                renew(batch, deadline);
                batch = new ArrayList<>(RENEW_BATCH);
            }
        }
        if (!batch.isEmpty()) {
            renew(batch, deadline);
        }
    }

    @SuppressWarnings("unchecked")
    private void renew(List<StreamMirror> batch, long deadline) {
        ScoredValue<byte[]>[] leases = new ScoredValue[batch.size()];
        for (int i = 0; i < leases.length; i++) {
            leases[i] = ScoredValue.just(deadline, batch.get(i).lease().memberBytes());
        }
        redis.call(c -> c.zadd(StreamLease.LEASES, ZAddArgs.Builder.xx().ch(), leases)).thenAccept(changed -> {
            if (changed < leases.length) {
                findLost(batch, leases);
            }
        });
        long ttl = liveKeyTtlMillis();
        for (StreamMirror m : batch) {
            StreamLease lease = m.lease();
            redis.call(c -> c.pexpire(lease.streamKey(), ttl));
            redis.call(c -> c.pexpire(lease.pointerKey(), ttl));
        }
    }

    /** Some leases were not renewed: those no longer in the set were taken by a reaper. */
    private void findLost(List<StreamMirror> batch, ScoredValue<byte[]>[] leases) {
        byte[][] members = new byte[leases.length][];
        for (int i = 0; i < members.length; i++) {
            members[i] = leases[i].getValue();
        }
        redis.call(c -> c.zmscore(StreamLease.LEASES, members)).thenAccept(scores -> {
            for (int i = 0; i < scores.size() && i < batch.size(); i++) {
                StreamMirror m = batch.get(i);
                if (scores.get(i) == null && m.state() != StreamMirror.State.ENDED) {
                    log.warn("stream lease {} was taken by another node: this node looked dead to it",
                            m.lease().streamId());
                    m.loop().execute(m::lost);
                }
            }
        });
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
