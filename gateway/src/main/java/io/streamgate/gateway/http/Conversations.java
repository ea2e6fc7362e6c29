package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.streamgate.gateway.conversation.ConversationStore;
import io.streamgate.gateway.conversation.HistoryCache;
import io.streamgate.gateway.conversation.HistoryPage;
import io.streamgate.gateway.conversation.KnownConversations;
import io.streamgate.gateway.conversation.StoreExecutor;
import io.streamgate.gateway.conversation.StoreHealth;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The router's non-blocking view of the conversation store: every store call runs on the {@link StoreExecutor}
 * and completes a future; the router hops back to its event loop to answer.
 */
public final class Conversations {

    /** Owners remembered, so that a tenant's follow-ups skip the store; ownership never changes once stored. */
    private static final int OWNERS_CACHED = 100_000;

    private final ConversationStore store;
    private final KnownConversations known;
    private final HistoryCache history;
    private final StoreExecutor executor;
    private final StoreHealth health;
    private final Cache<String, String> owners = Caffeine.newBuilder()
            .maximumSize(OWNERS_CACHED)
            .executor(Runnable::run)
            .build();

    public Conversations(ConversationStore store, KnownConversations known, HistoryCache history,
            StoreExecutor executor, StoreHealth health) {
        this.store = requireNonNull(store, "store");
        this.known = requireNonNull(known, "known");
        this.history = requireNonNull(history, "history");
        this.executor = requireNonNull(executor, "executor");
        this.health = requireNonNull(health, "health");
    }

    /**
     * Whether the store can be reached, as last seen; when not, a new stream or history read gets 503
     * {@code store_unavailable} at once rather than a stream without its history. Never blocks.
     */
    public boolean available() {
        return health.isUp();
    }

    /** Whether the store may take new work now; when not, the request gets 503 {@code store_busy}. */
    public boolean admit() {
        return executor.admit();
    }

    /**
     * One page of the conversation's history if it exists and belongs to {@code tenant}; another tenant's looks
     * like no conversation.
     */
    public CompletableFuture<Optional<HistoryPage>> page(String conversationId, String tenant, long before, int limit) {
        return CompletableFuture.supplyAsync(() -> store.page(conversationId, before, limit)
                .filter(p -> p.conversation().tenant().equals(tenant)), executor);
    }

    /**
     * Claims the conversation for {@code tenant} unless another tenant owns it; true when {@code tenant} owns it
     * afterwards. The claim is one store transaction, so of two tenants racing on a new id exactly one wins. An
     * owner this node already knows (a claim it made, or a cached history window) answers without the store, and
     * an id the store may hold is looked up on a read connection first, so that only new ids take the writer.
     */
    public CompletableFuture<Boolean> claim(String conversationId, String tenant) {
        String cached = owners.getIfPresent(conversationId);
        if (cached == null) {
            cached = history.owner(conversationId).orElse(null);
        }
        if (cached != null) {
            return CompletableFuture.completedFuture(cached.equals(tenant));
        }
        boolean mayExist = known.mightContain(conversationId);
        return CompletableFuture.supplyAsync(() -> {
            String owner = (mayExist ? store.owner(conversationId) : Optional.<String>empty())
                    .orElseGet(() -> store.claim(conversationId, tenant));
            owners.put(conversationId, owner);
            return owner.equals(tenant);
        }, executor);
    }
}
