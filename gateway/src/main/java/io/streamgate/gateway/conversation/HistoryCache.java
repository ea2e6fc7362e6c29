package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.UpstreamEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The history windows of recently answered conversations, so that a follow-up message starts its upstream call
 * without a round trip to a store thread, as the first message of a conversation does with
 * {@link KnownConversations}.
 *
 * <p>Never stale: a window is cached only as read back from the store after a turn was stored, and a turn that
 * starts from it takes it out, so a second message racing the first reads the store instead. Of two windows for
 * one conversation the one that reaches further wins, whatever order their turns ended in.
 *
 * <p>Bounded by an estimate of the bytes its messages hold (Caffeine, size-weighted, least recently and
 * frequently used evicted first). Lookups never block: maintenance runs on the calling thread under a try-lock.
 */
public final class HistoryCache {

    /** What a cached window costs beyond its text: the message objects, list slots and map entry. */
    private static final int PER_MESSAGE_BYTES = 96;

    private record Entry(String tenant, List<ChatMessage> window, long lastSeq) {}

    private final Cache<String, Entry> windows;
    private final boolean enabled;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    private HistoryCache(long maxBytes) {
        this.enabled = maxBytes > 0;
        this.windows = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String id, Entry e) -> weigh(id, e))
                .executor(Runnable::run)
                .build();
    }

    /** A cache of at most about {@code maxBytes}; 0 turns it off. */
    public static HistoryCache withMaxBytes(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        return new HistoryCache(maxBytes);
    }

    /** False when sized 0: then there is no point reading a window back to put it here. */
    public boolean isEnabled() {
        return enabled;
    }

    /** Takes {@code conversationId}'s window out of the cache if it is there and {@code tenant} owns it. */
    public Optional<List<ChatMessage>> take(String conversationId, String tenant) {
        Entry e = windows.getIfPresent(conversationId);
        if (e == null || !e.tenant.equals(tenant) || !windows.asMap().remove(conversationId, e)) {
            misses.increment();
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(e.window);
    }

    /** The owner of a cached conversation; empty when it is not cached. */
    public Optional<String> owner(String conversationId) {
        Entry e = windows.policy().getIfPresentQuietly(conversationId); // not a lookup: no stats, no recency
        return e == null ? Optional.empty() : Optional.of(e.tenant);
    }

    /** Caches the window just read from the store, unless a window reaching further is already cached. */
    public void put(String conversationId, String tenant, List<StoredMessage> window) {
        requireNonNull(tenant, "tenant");
        long lastSeq = window.isEmpty() ? 0 : window.getLast().seq();
        Entry fresh = new Entry(tenant, HistoryWindow.toChatMessages(window), lastSeq);
        windows.asMap().merge(conversationId, fresh, (old, neu) -> neu.lastSeq >= old.lastSeq ? neu : old);
    }

    /** Follow-ups that found their window here. */
    public long hits() {
        return hits.sum();
    }

    /** Follow-ups that had to read the store. */
    public long misses() {
        return misses.sum();
    }

    /** About how many bytes the cached windows hold. */
    public long weightBytes() {
        return windows.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    private static int weigh(String id, Entry e) {
        long bytes = 2L * id.length() + PER_MESSAGE_BYTES;
        for (ChatMessage m : e.window) {
            bytes += PER_MESSAGE_BYTES + 2L * m.content().length();
            for (UpstreamEvent.ToolCall call : m.toolCalls()) {
                bytes += PER_MESSAGE_BYTES + 2L * (call.name().length() + call.argumentsJson().length());
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }
}
