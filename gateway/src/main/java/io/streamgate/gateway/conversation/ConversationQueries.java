package io.streamgate.gateway.conversation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The reads every SQL store makes the same way, on a connection the store chose. {@code text} is applied to the
 * conversation id first (a store whose text type cannot hold some character replaces it, as when it was written).
 */
final class ConversationQueries {

    private ConversationQueries() {}

    /** What {@link ConversationStore#page} checks before any I/O. */
    static void checkPage(String conversationId, int limit) {
        java.util.Objects.requireNonNull(conversationId, "conversationId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
    }

    static Optional<String> owner(Connection c, String conversationId, UnaryOperator<String> text)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT tenant FROM conversations WHERE id = ?")) {
            s.setString(1, text.apply(conversationId));
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    /** One page: the newest {@code limit} messages numbered below {@code beforeSeq}; empty for an unknown id. */
    static Optional<HistoryPage> page(Connection c, String conversationId, long beforeSeq, int limit,
            UnaryOperator<String> text) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT tenant, created_at FROM conversations WHERE id = ?")) {
            s.setString(1, text.apply(conversationId));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                // One more than asked for tells whether an older page exists. Messages are only ever appended,
                // so reading them after the row (two statements) shows a state that existed.
                List<StoredMessage> messages = newest(c, conversationId, beforeSeq, limit + 1, text);
                boolean hasMore = messages.size() > limit;
                List<StoredMessage> page = hasMore ? messages.subList(1, messages.size()) : messages;
                return Optional.of(new HistoryPage(new Conversation(conversationId, r.getString(1),
                        Instant.ofEpochMilli(r.getLong(2)), page), hasMore));
            }
        }
    }

    /** The newest {@code limit} messages numbered below {@code beforeSeq}, oldest first. */
    static List<StoredMessage> newest(Connection c, String conversationId, long beforeSeq, int limit,
            UnaryOperator<String> text) throws SQLException {
        List<StoredMessage> messages = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + MessageRows.COLUMNS
                + " FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?")) {
            s.setString(1, text.apply(conversationId));
            s.setLong(2, beforeSeq);
            s.setInt(3, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    messages.add(MessageRows.read(r));
                }
            }
        }
        Collections.reverse(messages);
        return messages;
    }
}
