package io.streamgate.gateway.resume;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streamgate.gateway.shared.RedisScript;
import io.streamgate.gateway.stream.SseEventEncoder;
import io.streamgate.gateway.stream.StreamEvent;
import io.streamgate.llm.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the streams whose owner died. Every node runs it each renewal period: the leases in {@code sg:leases} whose
 * deadline passed are claimed one by one by a script that removes a lease only while its deadline is still past (so
 * a lease renewed meanwhile is never taken), and only the node whose claim removed the lease goes on: each dead
 * stream is handled exactly once across nodes. For it, the reaper:
 * <ol>
 *   <li>reads the stream's copy and rebuilds the answer it held ({@link JournalAnswer});</li>
 *   <li>appends an {@code end} entry carrying a retryable {@code stream_owner_lost} {@code error} event with the next
 *   sequence, whose id ({@code (sequence + 1)-0}) Redis refuses if the owner appended anything meanwhile (then it reads
 *   again), so followers everywhere, and later resumes, get the same end;</li>
 *   <li>stores the answer as partial ({@link RedisJournals.PartialAnswers}, on the store's threads).</li>
 * </ol>
 * After Redis comes back from an outage it holds off for one lease period, so that every live node renews its
 * leases before any is taken for dead. A node that dies between its claim and its store loses that partial answer;
 * its followers are still ended by their lease check.
 */
final class OwnerReaper {

    static final String MESSAGE = "the gateway node running this stream stopped before the answer ended; "
            + "ask again, or resume to see what was sent";
    private static final int CLAIMS_PER_ROUND = 16;
    private static final int ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(OwnerReaper.class);

    private static final RedisScript CLAIM = RedisScript.load(OwnerReaper.class, "claim-lease.lua",
            ScriptOutputType.INTEGER);

    private final RedisJournals hub;
    private final RedisJournals.PartialAnswers partials;
    private volatile long holdOffUntilMillis;

    OwnerReaper(RedisJournals hub, RedisJournals.PartialAnswers partials) {
        this.hub = hub;
        this.partials = partials;
        redisCameBack();
    }

    void redisCameBack() {
        holdOffUntilMillis = System.currentTimeMillis() + hub.settings().lease().toMillis();
    }

    /** Claims the leases that expired; on the lease timer's thread, never waiting. */
    void reap() {
        long now = System.currentTimeMillis();
        if (now < holdOffUntilMillis) {
            return;
        }
        hub.redis().call(c -> c.zrangebyscore(StreamLease.LEASES, Range.create(Double.NEGATIVE_INFINITY, (double) now),
                Limit.create(0, CLAIMS_PER_ROUND))).thenAccept(expired -> {
                    for (byte[] member : expired) {
                        claim(member, now);
                    }
                });
    }

    private void claim(byte[] member, long now) {
        CLAIM.<Long>run(hub.redis(), new String[] {StreamLease.LEASES}, member,
                Long.toString(now).getBytes(StandardCharsets.US_ASCII)).thenAccept(removed -> {
            if (removed == null || removed != 1) {
                return; // another node's reaper claimed it, or its owner ended it just now
            }
            StreamLease lease;
            try {
                lease = StreamLease.parse(new String(member, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                log.warn("stream leases: dropped a malformed lease");
                return;
            }
            log.info("stream {} of node {}: its lease expired; ending it for its followers", lease.streamId(),
                    lease.node());
            end(lease, ATTEMPTS);
        });
    }

    private void end(StreamLease lease, int attempts) {
        String key = lease.streamKey();
        hub.redis().call(c -> c.xrange(key, Range.unbounded(), Limit.create(0, hub.maxEntries() + 8L)))
                .thenAccept(messages -> endAfter(lease, messages, attempts))
                .exceptionally(failure -> {
                    log.warn("stream {}: could not read its copy to end it: {}", lease.streamId(), failure.toString());
                    return null;
                });
    }

    private void endAfter(StreamLease lease, List<StreamMessage<String, byte[]>> messages, int attempts) {
        List<byte[]> events = new ArrayList<>();
        long next = -1;
        for (StreamMessage<String, byte[]> m : messages) {
            MirrorEntry e = MirrorEntry.of(m.getId(), m.getBody());
            if (e.end() || e.gap()) {
                return; // already ended (its owner's end entry landed, or a gap was marked): nothing to add
            }
            if (e.malformed() || next >= 0 && e.sequences().length > 0 && e.firstSequence() != next) {
                log.warn("stream {}: its copy has a gap; ended without storing a partial answer", lease.streamId());
                mark(lease, MirrorEntry.GAP);
                return;
            }
            for (int i = 0; i < e.sequences().length; i++) {
                events.add(e.events()[i]);
            }
            if (e.sequences().length > 0) {
                next = e.lastSequence() + 1;
            }
        }
        next = Math.max(next, 0);
        JournalAnswer.Decoded answer;
        try {
            answer = JournalAnswer.decode(events);
        } catch (IllegalArgumentException e) {
            log.warn("stream {}: its copy does not decode ({}); ended without storing a partial answer",
                    lease.streamId(), e.getMessage());
            mark(lease, MirrorEntry.GAP);
            return;
        }
        if (answer.terminal()) {
            mark(lease, MirrorEntry.END); // it had ended; only its end entry was missing
            return;
        }
        long sequence = next;
        appendError(lease, sequence, attempts, () -> partials.store(lease.tenant(), lease.conversationId(),
                answer.turn()));
    }

    /** The {@code end} entry with the error event at {@code sequence}; then {@code stored} runs. */
    private void appendError(StreamLease lease, long sequence, int attempts, Runnable stored) {
        byte[] error = errorEvent(sequence);
        String key = lease.streamKey();
        hub.redis().call(c -> c.xadd(key, new XAddArgs().id(MirrorEntry.idOf(sequence)).maxlen(hub.maxEntries()),
                        Long.toString(sequence), error, MirrorEntry.END, MirrorEntry.EMPTY))
                .thenCompose(id -> hub.redis().call(c -> c.pexpire(key, hub.windowMillis())))
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        stored.run();
                    } else if (refusedId(failure) && attempts > 1) {
                        end(lease, attempts - 1); // the owner appended meanwhile: read again
                    } else {
                        log.warn("stream {}: could not end its copy: {}", lease.streamId(), failure.toString());
                    }
                });
    }

    /** Appends an {@code end} or {@code gap} entry without an event, and starts the resume window. */
    private void mark(StreamLease lease, String marker) {
        String key = lease.streamKey();
        hub.redis().call(c -> c.xadd(key, new XAddArgs().maxlen(hub.maxEntries()), marker, MirrorEntry.EMPTY))
                .thenCompose(id -> hub.redis().call(c -> c.pexpire(key, hub.windowMillis())));
    }

    /** The {@code error} event a dead owner's followers get, as SSE bytes. */
    static byte[] errorEvent(long sequence) {
        ByteBuf out = Unpooled.buffer(256);
        try {
            SseEventEncoder.encode(new StreamEvent.Error(ErrorCode.STREAM_OWNER_LOST, MESSAGE, true), sequence,
                    System.currentTimeMillis(), out);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }

    private static boolean refusedId(Throwable failure) {
        Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return f instanceof RedisCommandExecutionException && String.valueOf(f.getMessage()).contains("ID");
    }
}
