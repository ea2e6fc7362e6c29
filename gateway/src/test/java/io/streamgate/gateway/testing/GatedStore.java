package io.streamgate.gateway.testing;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.conversation.AssistantTurn;
import io.streamgate.gateway.conversation.Conversation;
import io.streamgate.gateway.conversation.ConversationStore;
import io.streamgate.gateway.conversation.HistoryPage;
import io.streamgate.gateway.conversation.StoredMessage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/** A store whose claims wait until {@link #open()}: a stand-in for a store that has stalled. */
public final class GatedStore implements ConversationStore {

    private final ConversationStore store;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final Semaphore waiting = new Semaphore(0);

    public GatedStore(ConversationStore store) {
        this.store = requireNonNull(store, "store");
    }

    /** Lets every waiting and later claim through. */
    public void open() {
        gate.countDown();
    }

    /** Claims now blocked at the gate. */
    public int waiting() {
        return waiting.availablePermits();
    }

    @Override
    public String claim(String conversationId, String tenant) {
        waiting.release();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            waiting.acquireUninterruptibly();
        }
        return store.claim(conversationId, tenant);
    }

    @Override
    public Optional<String> owner(String conversationId) {
        return store.owner(conversationId);
    }

    @Override
    public Optional<Conversation> find(String conversationId) {
        return store.find(conversationId);
    }

    @Override
    public Optional<HistoryPage> page(String conversationId, long beforeSeq, int limit) {
        return store.page(conversationId, beforeSeq, limit);
    }

    @Override
    public void appendUser(String conversationId, String tenant, String text) {
        store.appendUser(conversationId, tenant, text);
    }

    @Override
    public void appendAssistant(String conversationId, AssistantTurn turn) {
        store.appendAssistant(conversationId, turn);
    }

    @Override
    public List<StoredMessage> recent(String conversationId, int maxMessages) {
        return store.recent(conversationId, maxMessages);
    }

    @Override
    public void forEachConversationId(Consumer<String> action) {
        store.forEachConversationId(action);
    }

    @Override
    public void close() {
        open();
        store.close();
    }
}
