package io.streamgate.gateway.conversation;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.UnaryOperator;

/** The {@code messages} table's columns, written and read the same way by every SQL store. */
final class MessageRows {

    /** The columns after {@code conversation_id}, in the order {@link #bind} sets and {@link #read} reads them. */
    static final String COLUMNS =
            "seq, role, content, tool_calls_json, tool_call_id, tool_name, is_error, status, finish_reason, created_at,"
            + " thinking, stats_json";

    /** {@code INSERT} of one message: the conversation's id, then {@link #COLUMNS}. */
    static final String INSERT = "INSERT INTO messages (conversation_id, " + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private MessageRows() {}

    /**
     * Sets {@link #INSERT}'s parameters; {@code text} is applied to every free-text value (a store whose text type
     * cannot hold some character replaces it there).
     */
    static void bind(PreparedStatement s, String conversationId, long seq, NewMessage m, Instant at,
            UnaryOperator<String> text) throws SQLException {
        s.setString(1, conversationId);
        s.setLong(2, seq);
        s.setString(3, m.role());
        s.setString(4, text.apply(m.content()));
        s.setString(5, text.apply(ToolCallsJson.write(m.toolCalls())));
        s.setString(6, text.apply(m.toolCallId()));
        s.setString(7, text.apply(m.toolName()));
        s.setBoolean(8, m.isError());
        s.setString(9, m.status().wireName());
        s.setString(10, text.apply(m.finishReason()));
        s.setLong(11, at.toEpochMilli());
        s.setString(12, text.apply(m.thinking()));
        s.setString(13, AnswerStatsJson.write(m.stats()));
    }

    /** The message at {@code r}'s current row, selected as {@link #COLUMNS}. */
    static StoredMessage read(ResultSet r) throws SQLException {
        return new StoredMessage(
                r.getLong(1),
                r.getString(2),
                r.getString(3),
                ToolCallsJson.read(r.getString(4)),
                r.getString(5),
                r.getString(6),
                r.getBoolean(7),
                MessageStatus.fromWireName(r.getString(8)),
                r.getString(9),
                Instant.ofEpochMilli(r.getLong(10)),
                r.getString(11),
                AnswerStatsJson.read(r.getString(12)));
    }
}
