package io.streamgate.gateway.stream;

import io.streamgate.llm.ChatMessage;
import java.util.List;
import java.util.Optional;

/**
 * One request's turn in a conversation: what the provider is sent, and where the answer is kept.
 *
 * <p>{@link #open}, {@link #recordUserMessage} and {@link #close} block (they read and write the conversation
 * store), so the {@link AgentLoop} calls them on the plan's {@code starter} (a store thread), never on an event loop.
 */
public interface ConversationTurn {

    /**
     * Returns the messages to send: the system prompt, a bounded window of history, and the new message last.
     *
     * @throws RuntimeException when the store fails; the stream then ends with an {@code internal} error
     */
    List<ChatMessage> open();

    /**
     * The messages to send when they are known without reading the store, because the conversation is certainly
     * new; empty otherwise, and then {@link #open} must be called. Never blocks: the event loop calls it, so that
     * the first message of a conversation starts its upstream call without a hop to a store thread.
     */
    default Optional<List<ChatMessage>> openWithoutStore() {
        return Optional.empty();
    }

    /**
     * Stores the user's message: after {@link #open} has read the history and before the provider is called, or,
     * for a new conversation, queued before the call starts and committed while it connects. {@link #close} waits
     * for it, so an answer never precedes its question in the store, and the question is kept even when the
     * provider fails.
     */
    void recordUserMessage();

    /** Stores what the turn produced; a partial answer is stored with its status. */
    void close(Transcript transcript);
}
