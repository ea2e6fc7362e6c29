package io.streamgate.gateway.conversation;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where conversations live between requests and across restarts.
 *
 * <p>Every method blocks on I/O. The gateway calls them from the {@link StoreExecutor}'s platform threads (and, before
 * it serves, from the starting thread), never from a Netty event loop.
 * Implementations are thread-safe; appends to one conversation are serialised so that its messages are numbered
 * 1, 2, 3... without gaps, and an {@link AssistantTurn} is stored all or nothing.
 *
 * <p>The contract is small on purpose, so that other stores can implement it (SQLite and PostgreSQL do; the tests
 * of both extend one contract suite): identifiers are opaque strings, ownership is one tenant per conversation, and
 * reads return immutable snapshots. Storage failures are thrown as {@link ConversationStoreException}; a store that
 * cannot be reached at all throws its {@link StoreUnavailableException} subclass.
 */
public interface ConversationStore extends AutoCloseable {

    /** The most messages {@link #find} returns; older ones stay stored but are not shown. */
    int MAX_FIND_MESSAGES = 1_000;

    /** The tenant that owns the conversation; empty when unknown. Cheaper than {@link #find}. */
    Optional<String> owner(String conversationId);

    /** The conversation with its newest {@link #MAX_FIND_MESSAGES} messages, oldest first; empty when unknown. */
    default Optional<Conversation> find(String conversationId) {
        return page(conversationId, Long.MAX_VALUE, MAX_FIND_MESSAGES).map(HistoryPage::conversation);
    }

    /**
     * One page of the conversation's history: the newest {@code limit} messages whose {@code seq} is below
     * {@code beforeSeq}, oldest first; empty when the conversation is unknown.
     *
     * @throws IllegalArgumentException when {@code limit} is not positive
     */
    Optional<HistoryPage> page(String conversationId, long beforeSeq, int limit);

    /**
     * Claims the conversation for {@code tenant} if nobody owns it yet, atomically: of any number of racing claims
     * exactly one creates it. Returns the owner afterwards, {@code tenant} or whoever was first.
     */
    String claim(String conversationId, String tenant);

    /**
     * Appends the user's message, creating the conversation, owned by {@code tenant}, if it does not exist.
     *
     * @throws ForeignConversationException when the conversation exists and another tenant owns it
     */
    void appendUser(String conversationId, String tenant, String text);

    /**
     * Appends one stream's answer, all its messages or none.
     *
     * @throws IllegalStateException when the conversation does not exist (append the user's message first)
     */
    void appendAssistant(String conversationId, AssistantTurn turn);

    /**
     * The history to send the provider: at most the newest {@code maxMessages}, oldest first, starting at a user
     * message (see {@link HistoryWindow}); empty when the conversation is unknown.
     *
     * @throws IllegalArgumentException when {@code maxMessages} is not positive
     */
    List<StoredMessage> recent(String conversationId, int maxMessages);

    /** Calls {@code action} with the id of every stored conversation, in no particular order; for start-up. */
    void forEachConversationId(Consumer<String> action);

    /** Releases the store; waits for calls in flight, then later calls throw {@link IllegalStateException}. */
    @Override
    void close();
}
