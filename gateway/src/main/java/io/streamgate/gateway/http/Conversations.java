package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.conversation.Conversation;
import io.streamgate.gateway.conversation.ConversationStore;
import io.streamgate.gateway.conversation.HistoryCache;
import io.streamgate.gateway.conversation.KnownConversations;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The router's non-blocking view of the conversation store: every read runs on {@code blocking} (virtual
 * threads) and completes a future; the router hops back to its event loop to answer.
 */
public final class Conversations {

    private final ConversationStore store;
    private final KnownConversations known;
    private final HistoryCache history;
    private final Executor blocking;

    public Conversations(ConversationStore store, KnownConversations known, HistoryCache history, Executor blocking) {
        this.store = requireNonNull(store, "store");
        this.known = requireNonNull(known, "known");
        this.history = requireNonNull(history, "history");
        this.blocking = requireNonNull(blocking, "blocking");
    }

    /** The conversation if it exists and belongs to {@code tenant}; another tenant's looks like no conversation. */
    public CompletableFuture<Optional<Conversation>> find(String conversationId, String tenant) {
        return CompletableFuture.supplyAsync(
                () -> store.find(conversationId).filter(c -> c.tenant().equals(tenant)), blocking);
    }

    /**
     * Whether the conversation exists and belongs to someone else; answered at once for a certainly new one and
     * for one whose history is cached.
     */
    public CompletableFuture<Boolean> ownedByAnother(String conversationId, String tenant) {
        if (!known.mightContain(conversationId)) {
            return CompletableFuture.completedFuture(false);
        }
        Optional<String> cachedOwner = history.owner(conversationId);
        if (cachedOwner.isPresent()) {
            return CompletableFuture.completedFuture(!cachedOwner.get().equals(tenant));
        }
        return CompletableFuture.supplyAsync(
                () -> store.owner(conversationId).map(owner -> !owner.equals(tenant)).orElse(false), blocking);
    }
}
