package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.stream.ConversationTurn;
import io.streamgate.gateway.stream.StreamRequest;
import io.streamgate.gateway.stream.Transcript;
import io.streamgate.gateway.tools.ToolResult;
import io.streamgate.llm.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A turn kept in a {@link ConversationStore}: the history window goes to the provider, the user's message is
 * stored as the call starts, and the answer (partial or not) is stored when the stream ends, after the question.
 */
public final class StoredTurn implements ConversationTurn {

    /**
     * What every turn of a gateway shares.
     *
     * @param historyMessages how many stored messages (newest) go to the provider as context, counting the new one
     */
    public record Setup(ConversationStore store, KnownConversations known, HistoryCache history, int historyMessages) {
        public Setup {
            requireNonNull(store, "store");
            requireNonNull(known, "known");
            requireNonNull(history, "history");
        }
    }

    private final ConversationStore store;
    private final KnownConversations known;
    private final HistoryCache history;
    private final String conversationId;
    private final String tenant;
    private final StreamRequest request;
    private final int historyMessages;
    private final CountDownLatch userRecorded = new CountDownLatch(1);

    public StoredTurn(Setup setup, String conversationId, String tenant, StreamRequest request) {
        requireNonNull(setup, "setup");
        this.store = setup.store();
        this.known = setup.known();
        this.history = setup.history();
        this.historyMessages = setup.historyMessages();
        this.conversationId = requireNonNull(conversationId, "conversationId");
        this.tenant = requireNonNull(tenant, "tenant");
        this.request = requireNonNull(request, "request");
    }

    /**
     * Reads the window, then checks the owner: ownership never changes once stored, and is stored with the first
     * message, so a window holding any message implies an owner this check sees. Another tenant racing to create
     * the same id therefore never gets its history, whatever the router saw before.
     *
     * @throws ForeignConversationException when another tenant owns the conversation
     */
    @Override
    public List<ChatMessage> open() {
        List<ChatMessage> window = historyMessages > 1
                ? HistoryWindow.toChatMessages(store.recent(conversationId, historyMessages - 1))
                : List.of();
        if (store.owner(conversationId).filter(owner -> !owner.equals(tenant)).isPresent()) {
            throw new ForeignConversationException(conversationId);
        }
        return opening(window);
    }

    /**
     * Without the store when the history is known: none for a conversation the store has certainly never seen (it
     * is known from now on), or the window cached when its last turn ended. Otherwise {@link #open} reads it.
     */
    @Override
    public Optional<List<ChatMessage>> openWithoutStore() {
        if (known.add(conversationId) || historyMessages <= 1) {
            return Optional.of(opening(List.of()));
        }
        return history.take(conversationId, tenant).map(this::opening);
    }

    private List<ChatMessage> opening(List<ChatMessage> history) {
        List<ChatMessage> messages = new ArrayList<>(history.size() + 2);
        if (request.system() != null) {
            messages.add(ChatMessage.system(request.system()));
        }
        messages.addAll(history);
        messages.add(ChatMessage.user(request.message()));
        return messages;
    }

    @Override
    public void recordUserMessage() {
        try {
            store.appendUser(conversationId, tenant, request.message());
        } finally {
            userRecorded.countDown();
        }
    }

    @Override
    public void close(Transcript transcript) {
        try {
            // The answer must follow its question in the store; the guard only bounds a stuck store.
            if (!userRecorded.await(30, TimeUnit.SECONDS)) {
                throw new ConversationStoreException("the question was not stored in time; the answer is dropped", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        AssistantTurn.Builder turn = AssistantTurn.builder();
        for (Transcript.Step step : transcript.steps()) {
            turn.step(step.text(), step.thinking(), step.calls());
            for (ToolResult r : step.results()) {
                turn.toolResult(r.toolCallId(), r.toolName(), r.resultJson(), r.isError());
            }
        }
        boolean pending = !transcript.pendingCalls().isEmpty();
        if (pending) {
            turn.step(transcript.finalText(), transcript.finalThinking(), transcript.pendingCalls());
        }
        String finalText = pending ? "" : transcript.finalText();
        String finalThinking = pending ? null : transcript.finalThinking();
        store.appendAssistant(conversationId, turn.finish(
                finalText, status(transcript), transcript.finishReason(), finalThinking, transcript.stats()));
        if (historyMessages > 1 && history.isEnabled()) {
            // Read back rather than assembled here, so the next turn gets exactly the window the store would give.
            history.put(conversationId, tenant, store.recent(conversationId, historyMessages - 1));
        }
    }

    /** An error that cut an answer short leaves a partial answer; one that came before any output, an error. */
    private static MessageStatus status(Transcript t) {
        return switch (t.status()) {
            case COMPLETE -> MessageStatus.COMPLETE;
            case CANCELLED -> MessageStatus.CANCELLED;
            case ERROR -> t.steps().isEmpty() && t.finalText().isEmpty() ? MessageStatus.ERROR : MessageStatus.PARTIAL;
        };
    }
}
