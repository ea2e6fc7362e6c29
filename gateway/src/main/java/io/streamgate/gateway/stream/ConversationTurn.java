package io.streamgate.gateway.stream;

import io.streamgate.llm.ChatMessage;
import java.util.List;

/**
 * One request's turn in a conversation: what the provider is sent, and where the answer is kept.
 *
 * <p>Both methods block (they read and write the conversation store), so the {@link StreamBridge} calls them on
 * virtual threads only, never on an event loop.
 */
public interface ConversationTurn {

    /**
     * Returns the messages to send: the system prompt, a bounded window of history, and the new message last.
     *
     * @throws RuntimeException when the store fails; the stream then ends with an {@code internal} error
     */
    List<ChatMessage> open();

    /**
     * Stores the user's message, after {@link #open} has read the history and before the provider is called;
     * {@link #close} waits for it, so an answer never precedes its question in the store.
     */
    void recordUserMessage();

    /** Stores what the turn produced; a partial answer is stored with its status. */
    void close(Transcript transcript);
}
