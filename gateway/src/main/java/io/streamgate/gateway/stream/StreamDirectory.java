package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each conversation's latest stream journal, keyed by tenant and conversation id, for resumes
 * ({@code GET .../stream} with {@code Last-Event-ID}) and stops ({@code DELETE .../stream}). A lookup with another
 * tenant's id finds nothing, exactly as with an unknown id.
 *
 * <p>Bounded three ways: each journal keeps at most {@code perStreamBytes}; an ended journal leaves after
 * {@code window}; and when all journals together, live or ended, hold more than {@code totalBytes}, the oldest
 * journal's oldest events are dropped first (a resume into them then gets 410). Thread-safe.
 */
public final class StreamDirectory {

    private record Key(String tenant, String conversationId) {}

    private final int perStreamBytes;
    private final long totalBytes;
    private final long windowNanos;
    private final int maxFollowers;
    private final AtomicLong heldBytes = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final ConcurrentHashMap<Key, StreamJournal> latest = new ConcurrentHashMap<>();
    /** Every journal that may hold events, oldest first: what the global budget trims. */
    private final ConcurrentSkipListMap<Long, StreamJournal> byAge = new ConcurrentSkipListMap<>();
    /** One trim at a time, on the trimmed journal's loop; appends elsewhere only start one. */
    private final AtomicBoolean trimming = new AtomicBoolean();
    private volatile SharedJournals shared = SharedJournals.NONE;

    public StreamDirectory(int perStreamBytes, long totalBytes, Duration window, int maxFollowers) {
        if (perStreamBytes < 1 || totalBytes < 1 || maxFollowers < 0) {
            throw new IllegalArgumentException("journal bounds must be positive");
        }
        this.perStreamBytes = perStreamBytes;
        this.totalBytes = totalBytes;
        this.windowNanos = window.toNanos();
        this.maxFollowers = maxFollowers;
    }

    /** Mirrors new streams' journals to {@code journals} and resumes from there what this node does not run. */
    public void shareThrough(SharedJournals journals) {
        this.shared = requireNonNull(journals, "journals");
    }

    /** Where streams this node does not run are resumed from. */
    public SharedJournals shared() {
        return shared;
    }

    /** A new journal for a stream starting on {@code loop}; it becomes the tenant's conversation's latest. */
    StreamJournal open(String conversationId, String tenant, EventLoop loop) {
        Key key = new Key(requireNonNull(tenant, "tenant"), requireNonNull(conversationId, "conversationId"));
        long serial = opened.incrementAndGet();
        StreamJournal[] self = new StreamJournal[1];
        StreamJournal journal = new StreamJournal(loop, tenant, serial, perStreamBytes, maxFollowers, heldBytes,
                this::enforceBudget, () -> ended(key, self[0]), shared.open(tenant, conversationId, loop));
        self[0] = journal;
        byAge.put(serial, journal);
        StreamJournal previous = latest.put(key, journal);
        if (previous != null && previous != journal) {
            byAge.remove(previous.serial());
            previous.loop().execute(previous::discard);
        }
        return journal;
    }

    /** {@code tenant}'s latest journal for the conversation, if it is still kept. */
    public Optional<StreamJournal> latest(String tenant, String conversationId) {
        return Optional.ofNullable(latest.get(new Key(tenant, conversationId)));
    }

    /** Bytes held by every journal, for the memory gauge. */
    public long heldBytes() {
        return heldBytes.get();
    }

    /**
     * Called after every append: when the journals hold more than the budget, trims the oldest journal that holds
     * anything, on its own loop, then looks again. Cheap when under budget: one read.
     */
    void enforceBudget() {
        if (heldBytes.get() <= totalBytes || !trimming.compareAndSet(false, true)) {
            return;
        }
        StreamJournal oldest = null;
        for (StreamJournal j : byAge.values()) {
            if (j.bytes() > 0) {
                oldest = j;
                break;
            }
        }
        if (oldest == null) {
            trimming.set(false);
            return;
        }
        StreamJournal victim = oldest;
        try {
            victim.loop().execute(() -> {
                try {
                    if (victim.trimWhile(() -> heldBytes.get() > totalBytes)) {
                        byAge.remove(victim.serial(), victim); // ended and empty: nothing left to trim there
                    }
                } finally {
                    trimming.set(false);
                }
                enforceBudget();
            });
        } catch (RejectedExecutionException shuttingDown) {
            trimming.set(false);
        }
    }

    private void ended(Key key, StreamJournal journal) {
        journal.loop().schedule(() -> forget(key, journal), windowNanos, TimeUnit.NANOSECONDS);
    }

    private void forget(Key key, StreamJournal journal) {
        byAge.remove(journal.serial(), journal);
        if (latest.remove(key, journal)) {
            journal.loop().execute(journal::discard);
        }
    }
}
