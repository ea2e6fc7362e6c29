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

    /** How a turn ended, as stored with its answer. */
    enum Status { COMPLETE, ERROR, CANCELLED }

    /**
     * Records the user's message and returns the messages to send: the system prompt, a bounded window of history,
     * and the new message last.
     *
     * @throws RuntimeException when the store fails; the stream then ends with an {@code internal} error
     */
    List<ChatMessage> open();

    /**
     * Stores what the turn produced, in order: assistant steps with their tool calls, tool results, and the last
     * assistant text, which is partial unless {@code status} is {@link Status#COMPLETE}.
     */
    void close(List<ChatMessage> produced, Status status, String finishReason);
}
