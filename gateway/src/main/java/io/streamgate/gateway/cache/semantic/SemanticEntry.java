package io.streamgate.gateway.cache.semantic;

import io.github.jbellis.jvector.vector.types.VectorFloat;

/** One entry: a question's vector in a scope, pointing at an exact-cache key. Owned by the index's thread. */
final class SemanticEntry {

    /** What an entry costs besides its vector and its key's characters (objects, references, map slots). */
    private static final long OVERHEAD_BYTES = 160;

    final String owner;
    final ScopeIndex scope;
    final String key;
    final VectorFloat<?> vector;
    final long expiresAt;
    final long bytes;
    /** Its node id in the scope, set by {@link ScopeIndex#add}. */
    int node = -1;

    SemanticEntry(String owner, ScopeIndex scope, String key, VectorFloat<?> vector, long expiresAt) {
        this.owner = owner;
        this.scope = scope;
        this.key = key;
        this.vector = vector;
        this.expiresAt = expiresAt;
        this.bytes = OVERHEAD_BYTES + 2L * (key.length() + owner.length()) + 16 + 4L * vector.length();
    }

    boolean expired(long now) {
        return now - expiresAt >= 0;
    }
}
