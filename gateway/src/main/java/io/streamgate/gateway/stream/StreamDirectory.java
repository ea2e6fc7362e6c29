package io.streamgate.gateway.stream;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each conversation's latest stream journal, for resumes ({@code GET .../stream} with {@code Last-Event-ID}) and
 * stops ({@code DELETE .../stream}).
 *
 * <p>Bounded three ways: each journal keeps at most {@code perStreamBytes}; an ended journal leaves after
 * {@code window}; and when all journals together hold more than {@code totalBytes}, the oldest ended ones leave
 * first. Thread-safe.
 */
public final class StreamDirectory {

    private record Ended(String conversationId, StreamJournal journal) {}

    private final int perStreamBytes;
    private final long totalBytes;
    private final long windowNanos;
    private final AtomicLong heldBytes = new AtomicLong();
    private final ConcurrentHashMap<String, StreamJournal> latest = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Ended> endedInOrder = new ConcurrentLinkedQueue<>();

    public StreamDirectory(int perStreamBytes, long totalBytes, Duration window) {
        this.perStreamBytes = perStreamBytes;
        this.totalBytes = totalBytes;
        this.windowNanos = window.toNanos();
    }

    /** A new journal for a stream starting on {@code loop}; it becomes the conversation's latest. */
    StreamJournal open(String conversationId, String tenant, EventLoop loop) {
        StreamJournal[] self = new StreamJournal[1];
        StreamJournal journal = new StreamJournal(loop, tenant, perStreamBytes, heldBytes,
                () -> ended(conversationId, self[0]));
        self[0] = journal;
        StreamJournal previous = latest.put(conversationId, journal);
        if (previous != null && previous != journal) {
            previous.loop().execute(previous::discard);
        }
        return journal;
    }

    /** The conversation's latest journal, if it is still kept. */
    public Optional<StreamJournal> latest(String conversationId) {
        return Optional.ofNullable(latest.get(conversationId));
    }

    /** Bytes held by every journal, for the memory gauge. */
    public long heldBytes() {
        return heldBytes.get();
    }

    private void ended(String conversationId, StreamJournal journal) {
        endedInOrder.add(new Ended(conversationId, journal));
        journal.loop().schedule(() -> forget(conversationId, journal), windowNanos, TimeUnit.NANOSECONDS);
        long excess = heldBytes.get() - totalBytes; // discards happen on each journal's loop, so count ahead
        for (Ended oldest; excess > 0 && (oldest = endedInOrder.poll()) != null; ) {
            excess -= oldest.journal.bytes();
            forget(oldest.conversationId, oldest.journal);
        }
    }

    private void forget(String conversationId, StreamJournal journal) {
        if (latest.remove(conversationId, journal)) {
            journal.loop().execute(journal::discard);
        }
        endedInOrder.remove(new Ended(conversationId, journal));
    }
}
