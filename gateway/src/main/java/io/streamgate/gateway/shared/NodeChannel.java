package io.streamgate.gateway.shared;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.streamgate.gateway.metrics.LogValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Questions from one node to all the others over Redis publish/subscribe, and their answers.
 *
 * <p>{@link #ask} publishes a request on the topic's broadcast channel ({@code sg:<topic>}); every node subscribed to
 * it, this one included, hands the request's body to its {@link Answerer} and publishes the answer on the asker's own
 * channel ({@code sg:<topic>:<nodeId>}). The asker collects answers until one is decisive, until as many arrived as
 * nodes received the request (what {@code PUBLISH} counts; not known on Redis Cluster, which counts one server's
 * subscribers only), or until its deadline.
 *
 * <p>Messages from Redis are hostile input like any other: one longer than {@link #MAX_MESSAGE_BYTES}, or with a byte
 * outside printable ASCII, or whose fields do not match their exact shapes, is dropped unread. Bounded: at most
 * {@code maxPending} questions of this node await answers, each until its deadline, and at most
 * {@code maxPending} requests from other nodes are being answered at once (more are dropped).
 *
 * <p>The subscription is made at {@link #start} when Redis is up, else when {@link RedisHealth} next reports it up;
 * Lettuce renews it after a reconnect. Nothing here blocks: answers and results complete on Lettuce's threads or on
 * the timer given to {@link #ask}.
 */
public final class NodeChannel implements AutoCloseable {

    /** Answers one request's body; {@code null} (or a failed future) sends no answer. */
    @FunctionalInterface
    public interface Answerer {
        CompletableFuture<String> answer(String body);
    }

    /** A request as it travels: who asks (its id and node) and what. */
    record Request(String id, String node, String body) {
        private static final Pattern SHAPE =
                Pattern.compile("([0-9a-f]{16}) ([A-Za-z0-9._-]{1,64}) ([A-Za-z0-9._=-]{1,900})");

        byte[] encode() {
            return (id + " " + node + " " + body).getBytes(StandardCharsets.US_ASCII);
        }

        /** The request {@code message} holds, or {@code null} when it is not one. */
        static Request parse(byte[] message) {
            Matcher m = match(SHAPE, message);
            return m == null ? null : new Request(m.group(1), m.group(2), m.group(3));
        }
    }

    /** An answer as it travels: the request's id and the answer. */
    record Reply(String id, String answer) {
        private static final Pattern SHAPE = Pattern.compile("([0-9a-f]{16}) ([a-z_]{1,32})");

        byte[] encode() {
            return (id + " " + answer).getBytes(StandardCharsets.US_ASCII);
        }

        /** The reply {@code message} holds, or {@code null} when it is not one. */
        static Reply parse(byte[] message) {
            Matcher m = match(SHAPE, message);
            return m == null ? null : new Reply(m.group(1), m.group(2));
        }
    }

    static final int MAX_MESSAGE_BYTES = 1024;
    /** The most answers one question keeps; more are ignored. */
    private static final int MAX_ANSWERS = 256;
    /** What a body may hold: what {@link Request#SHAPE} accepts. */
    private static final Pattern BODY = Pattern.compile("[A-Za-z0-9._=-]{1,900}");
    private static final Pattern ANSWER = Pattern.compile("[a-z_]{1,32}");
    private static final Logger log = LoggerFactory.getLogger(NodeChannel.class);

    private final SharedRedis redis;
    private final String broadcast;
    private final String replyPrefix;
    private final String ownChannel;
    private final Answerer answerer;
    private final int maxPending;
    private final Duration wait;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger answering = new AtomicInteger();
    private final AtomicLong nextId = new AtomicLong(ThreadLocalRandom.current().nextLong());
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile StatefulRedisPubSubConnection<String, byte[]> connection;
    private volatile boolean closed;

    /**
     * @param topic what the questions are about, such as {@code stop}; names the channels
     * @param maxPending the most questions awaiting answers, and the most requests being answered, at once
     * @param wait how long a question waits for answers
     */
    public NodeChannel(SharedRedis redis, String topic, Answerer answerer, int maxPending, Duration wait) {
        this.redis = requireNonNull(redis, "redis");
        this.answerer = requireNonNull(answerer, "answerer");
        if (!topic.matches("[a-z]{1,16}") || maxPending < 1 || wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("a topic is 1-16 letters; bounds must be positive");
        }
        this.maxPending = maxPending;
        this.wait = wait;
        this.broadcast = "sg:" + topic;
        this.replyPrefix = broadcast + ":";
        this.ownChannel = replyPrefix + redis.nodeId();
    }

    /** Subscribes now if Redis is up, and each time it comes back if the subscription was never made. */
    public NodeChannel start() {
        redis.health().onTransition(state -> {
            if (state == RedisHealth.State.UP) {
                subscribe();
            }
        });
        if (redis.health().isUp()) {
            subscribe();
        }
        return this;
    }

    /** Whether a question can be asked now: Redis is up and this node is subscribed. */
    public boolean ready() {
        var c = connection;
        if (c == null) {
            if (!closed && !connecting.get() && redis.health().isUp()) {
                // A first attempt failed while Redis was up, so no transition will bring another: try again for the
                // next question, off the caller's thread (an event loop, often).
                CompletableFuture.runAsync(this::subscribe);
            }
            return false;
        }
        return c.isOpen() && redis.health().isUp();
    }

    /**
     * Asks every node, this one included, about {@code body}. Completes with the answers received: at the first one
     * {@code decisive} accepts, once every node that received the request answered, or after the wait. Fails at once
     * with {@link RedisUnavailableException} when not {@link #ready}, or with {@link RejectedExecutionException} when
     * too many questions await answers already.
     *
     * @param timer runs the deadline (an event loop will do: the task is short)
     */
    public CompletableFuture<List<String>> ask(String body, Predicate<String> decisive,
            ScheduledExecutorService timer) {
        requireNonNull(decisive, "decisive");
        requireNonNull(timer, "timer");
        if (!BODY.matcher(body).matches()) {
            throw new IllegalArgumentException("a body is 1-900 characters of A-Z a-z 0-9 . _ = -");
        }
        if (!ready()) {
            return CompletableFuture.failedFuture(new RedisUnavailableException(redis.health().view()));
        }
        if (pending.size() >= maxPending) {
            return CompletableFuture.failedFuture(
                    new RejectedExecutionException("too many questions to other nodes await answers"));
        }
        String id = HexFormat.of().toHexDigits(nextId.getAndIncrement());
        Pending p = new Pending(id, decisive);
        pending.put(id, p); // before publishing: an answer may arrive before PUBLISH's own reply
        try {
            p.deadline = timer.schedule(p::finish, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            p.finish();
            return p.result;
        }
        byte[] request = new Request(id, redis.nodeId(), body).encode();
        redis.<Long>call(c -> c.publish(broadcast, request)).whenComplete((receivers, failure) -> {
            if (failure != null) {
                p.fail(failure);
            } else if (!redis.cluster()) {
                p.expect(receivers);
            }
        });
        return p.result;
    }

    /** How many questions await answers now. */
    int pendingCount() {
        return pending.size();
    }

    private void subscribe() {
        if (closed || connection != null || !connecting.compareAndSet(false, true)) {
            return;
        }
        redis.connectPubSub().thenCompose(c -> {
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    onMessage(channel, message);
                }
            });
            return c.async().subscribe(ownChannel, broadcast).toCompletableFuture().handle((ok, failure) -> {
                if (failure != null) {
                    c.closeAsync();
                    throw new java.util.concurrent.CompletionException(failure);
                }
                return c;
            });
        }).whenComplete((c, failure) -> {
            if (failure != null) {
                log.debug("redis: subscribing to {} failed: {}", broadcast, LogValue.of(failure));
            } else if (closed) {
                c.closeAsync();
            } else {
                connection = c;
            }
            connecting.set(false);
        });
    }

    /** Runs on a Lettuce thread for every message on either channel. */
    void onMessage(String channel, byte[] message) {
        if (broadcast.equals(channel)) {
            Request request = Request.parse(message);
            if (request != null) {
                answer(request);
            }
        } else if (ownChannel.equals(channel)) {
            Reply reply = Reply.parse(message);
            Pending p = reply == null ? null : pending.get(reply.id());
            if (p != null) {
                p.add(reply.answer());
            }
        }
    }

    private void answer(Request request) {
        if (answering.incrementAndGet() > maxPending) {
            answering.decrementAndGet();
            return; // a flood: the askers' deadlines answer for us
        }
        CompletableFuture<String> answer;
        try {
            answer = answerer.answer(request.body());
        } catch (RuntimeException e) {
            log.warn("answering a request from node {} failed: {}", request.node(), LogValue.of(e));
            answer = null;
        }
        if (answer == null) {
            answering.decrementAndGet();
            return;
        }
        answer.whenComplete((text, failure) -> {
            answering.decrementAndGet();
            if (failure == null && text != null && ANSWER.matcher(text).matches()) {
                byte[] reply = new Reply(request.id(), text).encode();
                redis.call(c -> c.publish(replyPrefix + request.node(), reply));
            }
        });
    }

    /** Stops listening; questions still waiting complete with what they have. */
    @Override
    public void close() {
        closed = true;
        var c = connection;
        if (c != null) {
            c.close();
        }
        pending.values().forEach(Pending::finish);
    }

    /** {@code message} matched against {@code shape} when it is short printable ASCII; else {@code null}. */
    private static Matcher match(Pattern shape, byte[] message) {
        if (message == null || message.length > MAX_MESSAGE_BYTES) {
            return null;
        }
        for (byte b : message) {
            if (b < 0x20 || b > 0x7e) {
                return null;
            }
        }
        Matcher m = shape.matcher(new String(message, StandardCharsets.US_ASCII));
        return m.matches() ? m : null;
    }

    /** One question awaiting answers. Its methods run on Lettuce's threads and the timer: they synchronise. */
    private final class Pending {
        private final String id;
        private final Predicate<String> decisive;
        private final List<String> answers = new ArrayList<>();
        private final CompletableFuture<List<String>> result = new CompletableFuture<>();
        private long expected = -1; // unknown until PUBLISH says, and on Redis Cluster
        private volatile ScheduledFuture<?> deadline;

        Pending(String id, Predicate<String> decisive) {
            this.id = id;
            this.decisive = decisive;
        }

        void add(String answer) {
            boolean done;
            synchronized (this) {
                if (result.isDone() || answers.size() >= MAX_ANSWERS) {
                    return;
                }
                answers.add(answer);
                done = decisive.test(answer) || (expected >= 0 && answers.size() >= expected);
            }
            if (done) {
                finish();
            }
        }

        void expect(long receivers) {
            boolean done;
            synchronized (this) {
                expected = receivers;
                done = answers.size() >= receivers;
            }
            if (done) {
                finish();
            }
        }

        void fail(Throwable failure) {
            pending.remove(id, this);
            cancelDeadline();
            result.completeExceptionally(failure);
        }

        void finish() {
            pending.remove(id, this);
            cancelDeadline();
            List<String> copy;
            synchronized (this) {
                copy = List.copyOf(answers);
            }
            result.complete(copy);
        }

        private void cancelDeadline() {
            ScheduledFuture<?> d = deadline;
            if (d != null) {
                d.cancel(false);
            }
        }
    }
}
