package io.streamgate.gateway.cache;

/** What a lookup found: the {@code result} label of {@code cache_lookups_total} and the {@code x-streamgate-cache} value. */
public enum CacheResult {
    /** The same question in the same context was answered before. */
    EXACT_HIT("exact_hit", "hit"),
    /** A question close enough in meaning was answered before, in the same scope. */
    SEMANTIC_HIT("semantic_hit", "semantic"),
    MISS("miss", "miss"),
    /** The semantic lookup could not finish within its budget (or its queue was full): treated as a miss. */
    SKIPPED("skipped", "miss");

    private final String label;
    private final String header;

    CacheResult(String label, String header) {
        this.label = label;
        this.header = header;
    }

    /** The metric label. */
    public String label() {
        return label;
    }

    /** The {@code x-streamgate-cache} header's value. */
    public String header() {
        return header;
    }

    public boolean hit() {
        return this == EXACT_HIT || this == SEMANTIC_HIT;
    }
}
