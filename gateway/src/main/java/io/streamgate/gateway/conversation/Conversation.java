package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * A stored conversation.
 *
 * @param tenant who owns it; only that tenant may read or extend it
 * @param messages oldest first; at most {@link ConversationStore#MAX_FIND_MESSAGES}, the newest kept
 */
public record Conversation(String id, String tenant, Instant createdAt, List<StoredMessage> messages) {
    public Conversation {
        requireNonNull(id, "id");
        requireNonNull(tenant, "tenant");
        requireNonNull(createdAt, "createdAt");
        messages = List.copyOf(requireNonNull(messages, "messages"));
    }
}
