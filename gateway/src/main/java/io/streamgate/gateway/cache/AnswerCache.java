package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import io.streamgate.gateway.cache.semantic.SemanticIndex;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The node's answer cache: the exact store (memory or Redis), the semantic index (this node's), the metrics, and the
 * way in for streams.
 *
 * <ul>
 *   <li>The conversation API wraps a stream's provider ({@link #forStream}): its first call is looked up, and
 *       answered from the cache or recorded.
 *   <li>The drop-in endpoints use the parts: {@link #key}, {@link #lookup}, {@link #recorder}, {@link #replay}.
 * </ul>
 * Thread-safe.
 */
public final class AnswerCache implements AutoCloseable {

    /** The longest question embedded, in characters. */
    public static final int SEMANTIC_MAX_CHARS = 500;

    private final CacheSettings settings;
    private final ExactStore store;
    private final SemanticIndex semantic; // null: exact matches only
    private final CacheMetrics metrics;
    private final LongSupplier clock;

    /** @param semantic the node's semantic index, or {@code null} for exact matches only */
    public AnswerCache(CacheSettings settings, ExactStore store, SemanticIndex semantic, CacheMetrics metrics,
            LongSupplier clock) {
        this.settings = requireNonNull(settings, "settings");
        this.store = requireNonNull(store, "store");
        this.semantic = semantic;
        this.metrics = requireNonNull(metrics, "metrics");
        this.clock = requireNonNull(clock, "clock");
    }

    public CacheSettings settings() {
        return settings;
    }

    /** Whose entries a tenant's requests read and write: the tenant's own, or everyone's with a global scope. */
    public String owner(String tenant) {
        return settings.globalScope() ? "*" : requireNonNull(tenant, "tenant");
    }

    /** The keys of a request of {@code tenant}'s, or empty when its answer is not cacheable. */
    public Optional<CacheKey> key(String tenant, String model, String extra, ChatRequest request) {
        return CacheKey.of(owner(tenant), model, extra, request);
    }

    /**
     * {@code provider} for one stream of the conversation API, looked up and recorded per {@code policy}.
     *
     * @param model the model as requested and routed, part of the key
     */
    public CachingProvider forStream(LlmProvider provider, String tenant, String model, CachePolicy policy) {
        return new CachingProvider(this, provider, tenant, model, policy);
    }

    /**
     * Starts looking {@code key} up; {@code then} runs once on {@code loop} with the result (and the answer on a
     * hit), unless the lookup is cancelled first.
     */
    public CacheLookup lookup(CacheKey key, EventExecutor loop, CacheLookup.Decision then) {
        CacheLookup lookup = new CacheLookup(this, key, loop, then);
        lookup.start();
        return lookup;
    }

    /** Collects the answer to {@code key} as it streams, and stores it if it ends cacheable. */
    public AnswerRecorder recorder(CacheKey key, CacheLookup lookup) {
        return new AnswerRecorder(this, key, lookup);
    }

    /**
     * Starts replaying {@code answer} into {@code sink} on {@code loop}, at the configured pace (see
     * {@link CacheReplay}); nothing is published before this returns.
     */
    public UpstreamCall replay(CachedAnswer answer, TokenSink sink, EventExecutor loop) {
        CacheReplay replay = new CacheReplay(answer, sink, loop, settings.pacing(), clock);
        replay.start();
        return replay;
    }

    /**
     * Removes every entry a tenant's requests would read (with a global scope: everyone's), in the exact store and
     * this node's semantic index; completes with the exact entries removed.
     */
    public CompletableFuture<Long> purge(String tenant) {
        String owner = owner(tenant);
        if (semantic != null) {
            semantic.purge(owner);
        }
        return store.purge(owner);
    }

    ExactStore store() {
        return store;
    }

    SemanticIndex semantic() {
        return semantic;
    }

    /**
     * Whether a question takes part in semantic matching: one longer than {@value #SEMANTIC_MAX_CHARS} characters does
     * not, because its embedding would cost more than the budget, and because the model reads only its beginning,
     * so two long questions that share their start would look the same.
     */
    boolean embeds(String question) {
        return question.length() <= SEMANTIC_MAX_CHARS;
    }

    CacheMetrics metrics() {
        return metrics;
    }

    LongSupplier clock() {
        return clock;
    }

    /** Stores a finished answer. Never blocks. */
    void store(CacheKey key, CachedAnswer answer, CacheLookup lookup) {
        store.put(key, answer);
        if (semantic != null && embeds(key.question())) {
            semantic.add(key.owner(), key.semanticScope(), key.question(), lookup != null ? lookup.vector() : null,
                    key.exact());
        }
        metrics.stored();
    }

    @Override
    public void close() {
        if (semantic != null) {
            semantic.close();
        }
        store.close();
    }
}
