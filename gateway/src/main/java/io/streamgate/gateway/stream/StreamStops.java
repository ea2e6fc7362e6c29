package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.shared.NodeChannel;
import io.streamgate.gateway.shared.SharedRedis;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@code DELETE .../stream}: stops a tenant's stream on this node or, with a shared Redis, on whichever node runs it.
 *
 * <p>A live stream here is stopped here. Otherwise, while Redis is up, every node is asked (over a {@link NodeChannel})
 * to stop the tenant's stream of that conversation and answers {@code stopped}, {@code not_streaming} (its latest
 * stream there has ended) or {@code unknown}; the first {@code stopped} ends the wait. While Redis is down the answer
 * is this node's alone. Tenant scoping holds across nodes: a node looks the stream up under the requesting tenant, so
 * another tenant's id is {@code unknown} everywhere.
 */
public final class StreamStops implements AutoCloseable {

    /** How a stop request ended. */
    public enum Outcome { STOPPED, NOT_STREAMING, UNKNOWN }

    /** The most stop requests this node waits on, or answers, at once. */
    static final int MAX_PENDING = 1024;
    /** The tenant's and conversation's bytes, each, that a request may carry. */
    static final int MAX_FIELD_BYTES = 256;
    private static final String STOPPED = "stopped";
    private static final String NOT_STREAMING = "not_streaming";
    private static final String UNKNOWN = "unknown";

    private final StreamDirectory directory;
    private final NodeChannel nodes; // null: no shared Redis

    private StreamStops(StreamDirectory directory, NodeChannel nodes) {
        this.directory = directory;
        this.nodes = nodes;
    }

    /**
     * Stops on this node only, or also across the nodes sharing {@code redis} when it is not {@code null}; the other
     * nodes' answers are awaited for a few of its command timeouts at most.
     */
    public static StreamStops start(StreamDirectory directory, SharedRedis redis) {
        requireNonNull(directory, "directory");
        if (redis == null) {
            return new StreamStops(directory, null);
        }
        Duration wait = redis.timeout().multipliedBy(3);
        NodeChannel nodes = new NodeChannel(redis, "stop", body -> answer(directory, body), MAX_PENDING, wait);
        return new StreamStops(directory, nodes.start());
    }

    /** Whether a stop reaches the other nodes now: Redis is up and this node listens for their requests. */
    public boolean acrossNodes() {
        return nodes != null && nodes.ready();
    }

    /**
     * Stops {@code tenant}'s stream of {@code conversationId} wherever it runs. Never fails; completes on an event
     * loop, a Lettuce thread or {@code timer}: hop back before touching a channel.
     *
     * @param timer runs the deadline of the question to other nodes
     */
    public CompletableFuture<Outcome> stop(String tenant, String conversationId, ScheduledExecutorService timer) {
        requireNonNull(tenant, "tenant");
        requireNonNull(conversationId, "conversationId");
        return stopHere(directory, tenant, conversationId).thenCompose(here -> {
            if (here == Outcome.STOPPED || nodes == null || !nodes.ready()) {
                return CompletableFuture.completedFuture(here);
            }
            String body = encode(tenant, conversationId);
            if (body == null) {
                return CompletableFuture.completedFuture(here);
            }
            return nodes.ask(body, STOPPED::equals, timer)
                    .handle((answers, failure) -> failure != null ? here : combine(here, answers));
        });
    }

    /** The nodes' answers together: one stop is a stop; else a node whose stream ended makes it 409, as here. */
    static Outcome combine(Outcome here, List<String> answers) {
        if (answers.contains(STOPPED)) {
            return Outcome.STOPPED;
        }
        return answers.contains(NOT_STREAMING) ? Outcome.NOT_STREAMING : here;
    }

    /** Stops the tenant's live stream of the conversation on this node, on its loop. */
    private static CompletableFuture<Outcome> stopHere(StreamDirectory directory, String tenant, String id) {
        StreamJournal journal = directory.latest(tenant, id).orElse(null);
        if (journal == null) {
            return CompletableFuture.completedFuture(Outcome.UNKNOWN);
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            journal.loop().execute(() -> {
                StreamBridge live = journal.liveStream();
                outcome.complete(live != null && live.stop() ? Outcome.STOPPED : Outcome.NOT_STREAMING);
            });
        } catch (RejectedExecutionException shuttingDown) {
            outcome.complete(Outcome.NOT_STREAMING);
        }
        return outcome;
    }

    /** Another node's request, from Redis: parsed strictly, then answered as a stop on this node. */
    private static CompletableFuture<String> answer(StreamDirectory directory, String body) {
        String[] fields = decode(body);
        if (fields == null) {
            return null;
        }
        return stopHere(directory, fields[0], fields[1]).thenApply(o -> switch (o) {
            case STOPPED -> STOPPED;
            case NOT_STREAMING -> NOT_STREAMING;
            case UNKNOWN -> UNKNOWN;
        });
    }

    /**
     * The tenant and the conversation id as a request body: each in unpadded base64url, joined by a dot, so neither
     * can be confused with the other or with the message around them. {@code null} when either is too long to send.
     */
    static String encode(String tenant, String conversationId) {
        byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
        byte[] c = conversationId.getBytes(StandardCharsets.UTF_8);
        if (t.length == 0 || c.length == 0 || t.length > MAX_FIELD_BYTES || c.length > MAX_FIELD_BYTES) {
            return null;
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(t) + "." + b64.encodeToString(c);
    }

    /** {@code {tenant, conversationId}} from a request body, or {@code null} when it is not exactly one. */
    static String[] decode(String body) {
        int dot = body.indexOf('.');
        if (dot < 0 || body.indexOf('.', dot + 1) >= 0 || body.indexOf('=') >= 0) {
            return null;
        }
        String tenant = text(body.substring(0, dot));
        String conversation = text(body.substring(dot + 1));
        return tenant == null || conversation == null ? null : new String[] {tenant, conversation};
    }

    /** Strict base64url of 1 to {@link #MAX_FIELD_BYTES} bytes of valid UTF-8, decoded; else {@code null}. */
    private static String text(String field) {
        if (field.isEmpty() || field.length() > (MAX_FIELD_BYTES * 4 + 2) / 3) {
            return null;
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(field);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (nodes != null) {
            nodes.close();
        }
    }
}
