package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the answer cache behaves ({@code STREAMGATE_CACHE_*}).
 *
 * @param mode off, exact matches only, or exact and semantic matches
 * @param globalScope whether entries are shared by every tenant ({@code STREAMGATE_CACHE_SCOPE=global}); by default
 *     each tenant has its own
 * @param ttl how long an entry may be served after it was stored
 * @param maxBytes the most the exact entries may hold (in memory, or in Redis when it is configured)
 * @param maxEntryBytes the largest answer stored; longer ones are not cached
 * @param semanticThreshold the cosine similarity a semantic match needs
 * @param semanticMaxBytes the most this node's semantic entries (vectors and index) may hold
 * @param semanticBudget the longest a lookup waits for the question's embedding before it gives up (skipped)
 * @param pacing how a hit is replayed
 */
public record CacheSettings(
        Mode mode,
        boolean globalScope,
        Duration ttl,
        long maxBytes,
        int maxEntryBytes,
        double semanticThreshold,
        long semanticMaxBytes,
        Duration semanticBudget,
        Pacing pacing) {

    public enum Mode { OFF, EXACT, SEMANTIC }

    /** How a cached answer is sent: as fast as the client takes it, or at the pace the provider first sent it. */
    public enum Pacing { INSTANT, ORIGINAL }

    /**
     * The semantic threshold, chosen by the labelled-pairs evaluation ({@code make eval}; a bench test keeps the two
     * equal). No threshold reaches its precision target of 0.98, so this is the highest whose recall is still 0.20,
     * at a precision of about 0.5: one reason semantic matching is opt-in.
     */
    public static final double DEFAULT_SEMANTIC_THRESHOLD = 0.95;

    public static final CacheSettings OFF = new CacheSettings(Mode.OFF, false, Duration.ofHours(1), 64L << 20,
            256 << 10, DEFAULT_SEMANTIC_THRESHOLD, 64L << 20, Duration.ofMillis(10), Pacing.INSTANT);

    public CacheSettings {
        requireNonNull(mode, "mode");
        requireNonNull(ttl, "ttl");
        requireNonNull(semanticBudget, "semanticBudget");
        requireNonNull(pacing, "pacing");
        if (ttl.isNegative() || ttl.isZero() || maxBytes <= 0 || maxEntryBytes <= 0 || semanticMaxBytes <= 0
                || !(semanticThreshold > 0 && semanticThreshold <= 1)) {
            throw new IllegalArgumentException("cache settings out of range");
        }
    }

    public boolean enabled() {
        return mode != Mode.OFF;
    }

    public boolean semantic() {
        return mode == Mode.SEMANTIC;
    }

    /** The most characters a stored answer holds: about two bytes each on the heap. */
    public int maxEntryChars() {
        return maxEntryBytes / 2;
    }
}
