package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.stream.AnswerStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded SQLite file, and what is particular to a file: WAL mode, upgrading old files. */
class SqliteConversationStoreTest extends ConversationStoreContract {

    @TempDir
    Path dir;

    @Override
    protected ConversationStore openFresh() {
        return reopen();
    }

    @Override
    protected ConversationStore reopen() {
        return SqliteConversationStore.open(dir.resolve("data"), CLOCK);
    }

    @Test
    void theFileUsesWriteAheadLogging() throws Exception {
        store.appendUser("c1", "acme", "hi");
        Path file = dir.resolve("data").resolve(SqliteConversationStore.FILE_NAME);
        assertTrue(Files.exists(file));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                ResultSet r = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            r.next();
            assertEquals("wal", r.getString(1));
        }
    }

    @Test
    void aVersionOneFileIsUpgradedInPlaceAndKeepsItsMessages() throws Exception {
        store.close();
        Path data = dir.resolve("v1");
        Files.createDirectories(data);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteConversationStore.FILE_NAME));
                var s = c.createStatement()) {
            // The version-1 schema, as the previous release created it.
            s.executeUpdate("CREATE TABLE conversations (id TEXT PRIMARY KEY, tenant TEXT NOT NULL,"
                    + " created_at INTEGER NOT NULL)");
            s.executeUpdate("CREATE TABLE messages (conversation_id TEXT NOT NULL REFERENCES conversations (id)"
                    + " ON DELETE CASCADE, seq INTEGER NOT NULL, role TEXT NOT NULL CHECK (role IN ('user',"
                    + " 'assistant', 'tool')), content TEXT NOT NULL, tool_calls_json TEXT, tool_call_id TEXT,"
                    + " tool_name TEXT, is_error INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, finish_reason TEXT,"
                    + " created_at INTEGER NOT NULL, PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID");
            s.executeUpdate("INSERT INTO conversations VALUES ('old', 'acme', 1)");
            s.executeUpdate("INSERT INTO messages (conversation_id, seq, role, content, status, created_at)"
                    + " VALUES ('old', 1, 'user', 'hello', 'complete', 1), ('old', 2, 'assistant', 'hi', 'complete', 2)");
            s.executeUpdate("PRAGMA user_version = 1");
        }
        store = SqliteConversationStore.open(data, CLOCK);

        List<StoredMessage> old = store.find("old").orElseThrow().messages();
        assertEquals(List.of("hello", "hi"), contents(old));
        assertEquals(null, old.get(1).thinking());
        assertEquals(null, old.get(1).stats());
        store.appendUser("old", "acme", "think again");
        store.appendAssistant("old", AssistantTurn.builder().finish("ok", MessageStatus.COMPLETE, "stop", "hmm",
                new AnswerStats(1, -1, 1, 0.5, -1)));
        StoredMessage answer = store.find("old").orElseThrow().messages().getLast();
        assertEquals("hmm", answer.thinking());
        assertEquals(new AnswerStats(1, -1, 1, 0.5, -1), answer.stats());
        store.close();

        store = SqliteConversationStore.open(data, CLOCK); // a second open changes nothing
        assertEquals(4, store.find("old").orElseThrow().messages().size());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteConversationStore.FILE_NAME));
                ResultSet r = c.createStatement().executeQuery("PRAGMA user_version")) {
            r.next();
            assertEquals(2, r.getInt(1));
        }
    }

}
