package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

/**
 * One page of a conversation's history, as {@code GET /api/v1/conversations/{id}} serves it.
 *
 * @param conversation the conversation with this page's messages only, oldest first
 * @param hasMore whether older messages exist before the first one of this page
 */
public record HistoryPage(Conversation conversation, boolean hasMore) {
    public HistoryPage {
        requireNonNull(conversation, "conversation");
    }

    /** The {@code before} cursor of the next (older) page; meaningful only when {@link #hasMore}. */
    public long nextBefore() {
        var messages = conversation.messages();
        return messages.isEmpty() ? 0 : messages.getFirst().seq();
    }
}
