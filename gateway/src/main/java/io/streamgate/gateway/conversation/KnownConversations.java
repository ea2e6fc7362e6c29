package io.streamgate.gateway.conversation;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A Bloom filter of the conversation ids the store holds, so that the first message of a new conversation can
 * start its upstream call at once, without a round trip to a store thread to learn that there is no history.
 *
 * <p>"Absent" is certain; "present" may be wrong (about 1% of unseen ids at the sized capacity, more past it),
 * which only sends that request down the ordinary path that reads the store. Fixed size, lock-free: event loops
 * ask and add concurrently. Ids are never removed; the store deletes no conversation.
 *
 * <p>"Absent" is only certain while this node is the store's one writer. When other nodes write the same store
 * (PostgreSQL), an id absent here may have history written elsewhere: the gateway then uses {@link #disabled()}.
 */
public final class KnownConversations {

    /** Bits per id for a 1% false-positive rate: -ln(0.01) / ln(2)^2. */
    private static final double BITS_PER_ID = 9.6;
    private static final int HASHES = 7;

    private final AtomicLongArray words;
    private final long bits;
    private final boolean enabled;

    private KnownConversations(long bits, boolean enabled) {
        this.words = new AtomicLongArray((int) ((bits + 63) / 64));
        this.bits = words.length() * 64L;
        this.enabled = enabled;
    }

    /**
     * A filter that knows nothing for certain: every id might be known and no add finds one absent, so every
     * conversation reads the store. For a store that other nodes write too.
     */
    public static KnownConversations disabled() {
        return new KnownConversations(64, false);
    }

    /** A filter sized for {@code capacity} ids at a 1% false-positive rate (about 1.2 bytes per id). */
    public static KnownConversations withCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        return new KnownConversations(Math.max(64, (long) Math.ceil(capacity * BITS_PER_ID)), true);
    }

    /** False only when {@code conversationId} was never {@linkplain #add added}. */
    public boolean mightContain(String conversationId) {
        if (!enabled) {
            return true;
        }
        long h = fnv1a(conversationId);
        long h1 = mix(h);
        long h2 = mix(h ^ 0x9E3779B97F4A7C15L) | 1;
        for (int i = 0; i < HASHES; i++) {
            long bit = Long.remainderUnsigned(h1 + i * h2, bits);
            if ((words.get((int) (bit >>> 6)) & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds {@code conversationId}; returns true when it was certainly absent before, which makes exactly one of
     * two racing adds of a new id return true in the common case (the rare exception is harmless: both requests
     * see an empty history, as they would if neither question had been stored yet).
     */
    public boolean add(String conversationId) {
        if (!enabled) {
            return false;
        }
        long h = fnv1a(conversationId);
        long h1 = mix(h);
        long h2 = mix(h ^ 0x9E3779B97F4A7C15L) | 1;
        boolean changed = false;
        for (int i = 0; i < HASHES; i++) {
            long bit = Long.remainderUnsigned(h1 + i * h2, bits);
            int index = (int) (bit >>> 6);
            long mask = 1L << bit;
            long word = words.get(index);
            while ((word & mask) == 0) {
                long witness = words.compareAndExchange(index, word, word | mask);
                if (witness == word) {
                    changed = true;
                    break;
                }
                word = witness;
            }
        }
        return changed;
    }

    /** Bytes this filter holds. */
    public long sizeBytes() {
        return words.length() * 8L;
    }

    /** FNV-1a over the id's UTF-16 code units. */
    private static long fnv1a(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            h = (h ^ (c & 0xFF)) * 0x100000001B3L;
            h = (h ^ (c >>> 8)) * 0x100000001B3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: every output bit depends on every input bit. */
    private static long mix(long h) {
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
