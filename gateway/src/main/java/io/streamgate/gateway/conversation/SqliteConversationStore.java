package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.sqlite.SQLiteConfig;

/**
 * The embedded store: one SQLite file, {@code <dataDir>/streamgate.db}, so that {@code make run} keeps history
 * across restarts with nothing else to install.
 *
 * <p>SQLite allows one writer at a time, so there is exactly one write connection, serialised by a
 * {@link ReentrantLock}, and every write is
 * one {@code BEGIN IMMEDIATE} transaction. Reads use a small pool of read-only connections; in WAL mode they
 * see the last committed state and neither wait for the writer nor hold it up. Settings: {@code journal_mode=WAL},
 * {@code synchronous=NORMAL} (a power cut may lose the last transactions but never corrupts the file),
 * {@code busy_timeout}, {@code foreign_keys=ON}.
 *
 * <p>SQLite runs in native code, which would pin a calling virtual thread to its carrier while a statement runs, so
 * the gateway calls the store from the {@link StoreExecutor}'s few platform threads; statements here touch one
 * conversation through its primary key, so each holds a store thread briefly.
 */
public final class SqliteConversationStore implements ConversationStore {

    public static final String FILE_NAME = "streamgate.db";

    /** 2 added {@code thinking} and {@code stats_json} to {@code messages}; a version-1 file is upgraded on open. */
    private static final int SCHEMA_VERSION = 2;
    private static final int READERS = 4;
    private static final int BUSY_TIMEOUT_MS = 5_000;
    private static final String COLUMNS = MessageRows.COLUMNS;

    private final Clock clock;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Connection> readers;
    /** Calls hold the read side; {@link #close} takes the write side, so it waits for calls in flight. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private SqliteConversationStore(Clock clock, Connection writer, BlockingQueue<Connection> readers) {
        this.clock = clock;
        this.writer = writer;
        this.readers = readers;
    }

    /** Opens (creating if needed) the store in {@code dataDir}, on the system clock. */
    public static SqliteConversationStore open(Path dataDir) {
        return open(dataDir, Clock.systemUTC());
    }

    /**
     * Opens (creating the directory, the file and the schema if needed) the store in {@code dataDir}.
     *
     * @param clock stamps messages and conversations
     * @throws ConversationStoreException when the directory or the database cannot be opened
     */
    public static SqliteConversationStore open(Path dataDir, Clock clock) {
        requireNonNull(dataDir, "dataDir");
        requireNonNull(clock, "clock");
        List<Connection> opened = new ArrayList<>();
        try {
            Files.createDirectories(dataDir);
            String url = "jdbc:sqlite:" + dataDir.resolve(FILE_NAME).toAbsolutePath();
            Connection writer = connect(url, false);
            opened.add(writer);
            createSchema(writer);
            BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
            for (int i = 0; i < READERS; i++) {
                Connection reader = connect(url, true);
                opened.add(reader);
                readers.add(reader);
            }
            return new SqliteConversationStore(clock, writer, readers);
        } catch (IOException | SQLException e) {
            opened.reversed().forEach(SqliteConversationStore::closeQuietly);
            throw new ConversationStoreException("cannot open the conversation store in " + dataDir, e);
        }
    }

    @Override
    public void forEachConversationId(Consumer<String> action) {
        requireNonNull(action, "action");
        read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id FROM conversations")) {
                while (r.next()) {
                    action.accept(r.getString(1));
                }
            }
            return null;
        });
    }

    @Override
    public Optional<String> owner(String conversationId) {
        return read(c -> ConversationQueries.owner(c, conversationId, UnaryOperator.identity()));
    }

    @Override
    public Optional<HistoryPage> page(String conversationId, long beforeSeq, int limit) {
        ConversationQueries.checkPage(conversationId, limit);
        return read(c -> ConversationQueries.page(c, conversationId, beforeSeq, limit, UnaryOperator.identity()));
    }

    @Override
    public String claim(String conversationId, String tenant) {
        requireNonNull(conversationId, "conversationId");
        requireNonNull(tenant, "tenant");
        String[] owner = new String[1];
        write(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO conversations (id, tenant, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                s.setString(1, conversationId);
                s.setString(2, tenant);
                s.setLong(3, clock.instant().toEpochMilli());
                s.executeUpdate();
            }
            // same transaction: the row is there either way
            owner[0] = ConversationQueries.owner(c, conversationId, UnaryOperator.identity()).orElseThrow();
        });
        return owner[0];
    }

    @Override
    public List<StoredMessage> recent(String conversationId, int maxMessages) {
        requireNonNull(conversationId, "conversationId");
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be positive, got " + maxMessages);
        }
        return HistoryWindow.startAtUserMessage(read(c -> ConversationQueries.newest(
                c, conversationId, Long.MAX_VALUE, maxMessages, UnaryOperator.identity())));
    }

    @Override
    public void appendUser(String conversationId, String tenant, String text) {
        requireNonNull(conversationId, "conversationId");
        requireNonNull(tenant, "tenant");
        NewMessage message = NewMessage.user(text);
        write(c -> {
            Instant now = clock.instant();
            Optional<String> owner = ConversationQueries.owner(c, conversationId, UnaryOperator.identity());
            if (owner.isEmpty()) {
                try (PreparedStatement s =
                        c.prepareStatement("INSERT INTO conversations (id, tenant, created_at) VALUES (?, ?, ?)")) {
                    s.setString(1, conversationId);
                    s.setString(2, tenant);
                    s.setLong(3, now.toEpochMilli());
                    s.executeUpdate();
                }
            } else if (!owner.get().equals(tenant)) {
                throw new ForeignConversationException(conversationId);
            }
            insert(c, conversationId, List.of(message), now);
        });
    }

    @Override
    public void appendAssistant(String conversationId, AssistantTurn turn) {
        requireNonNull(conversationId, "conversationId");
        requireNonNull(turn, "turn");
        write(c -> {
            if (ConversationQueries.owner(c, conversationId, UnaryOperator.identity()).isEmpty()) {
                throw new IllegalStateException("no conversation '" + conversationId + "' to answer in");
            }
            insert(c, conversationId, turn.messages(), clock.instant());
        });
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            readers.forEach(SqliteConversationStore::closeQuietly);
            closeQuietly(writer); // last, so that SQLite checkpoints the WAL into the main file
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Numbers the messages after the conversation's last one; the write lock makes that read-then-write safe. */
    private static void insert(Connection c, String conversationId, List<NewMessage> messages, Instant at)
            throws SQLException {
        long seq;
        try (PreparedStatement s =
                c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation_id = ?")) {
            s.setString(1, conversationId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                seq = r.getLong(1);
            }
        }
        try (PreparedStatement s = c.prepareStatement(MessageRows.INSERT)) {
            for (NewMessage m : messages) {
                MessageRows.bind(s, conversationId, ++seq, m, at, UnaryOperator.identity());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** Work against one connection; the caller handles the transaction. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface WriteWork {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one read transaction (one consistent snapshot) on a pooled read connection. */
    private <T> T read(Work<T> work) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            Connection c = readers.take();
            try {
                return work.run(c);
            } finally {
                endReadTransaction(c);
                readers.add(c);
            }
        } catch (SQLException e) {
            throw new ConversationStoreException("reading the conversation store failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConversationStoreException("interrupted while waiting for a read connection", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Runs {@code work} in one write transaction: committed if it returns, rolled back if it throws. */
    private void write(WriteWork work) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            writeLock.lock();
            try {
                work.run(writer);
                writer.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(writer);
                throw e;
            } finally {
                writeLock.unlock();
            }
        } catch (SQLException e) {
            throw new ConversationStoreException("writing to the conversation store failed", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the conversation store is closed");
        }
    }

    private static Connection connect(String url, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        if (readOnly) {
            config.setReadOnly(true);
        } else {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        Connection c = config.createConnection(url);
        c.setAutoCommit(false);
        return c;
    }

    private static void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            int version;
            try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
                version = r.next() ? r.getInt(1) : 0;
            }
            if (version > SCHEMA_VERSION) {
                throw new SQLException("the database has schema version " + version
                        + ", newer than this gateway's " + SCHEMA_VERSION);
            }
            s.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS conversations (
                        id         TEXT    PRIMARY KEY,
                        tenant     TEXT    NOT NULL,
                        created_at INTEGER NOT NULL
                    )""");
            s.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS messages (
                        conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                        seq             INTEGER NOT NULL,
                        role            TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
                        content         TEXT    NOT NULL,
                        tool_calls_json TEXT,
                        tool_call_id    TEXT,
                        tool_name       TEXT,
                        is_error        INTEGER NOT NULL DEFAULT 0,
                        status          TEXT    NOT NULL,
                        finish_reason   TEXT,
                        created_at      INTEGER NOT NULL,
                        thinking        TEXT,
                        stats_json      TEXT,
                        PRIMARY KEY (conversation_id, seq)
                    ) WITHOUT ROWID""");
            if (version == 1) {
                // Version 1 had neither column; SQLite adds a nullable column without rewriting the table.
                s.executeUpdate("ALTER TABLE messages ADD COLUMN thinking TEXT");
                s.executeUpdate("ALTER TABLE messages ADD COLUMN stats_json TEXT");
            }
            s.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
        }
        c.commit();
    }

    private static void endReadTransaction(Connection c) {
        rollbackQuietly(c);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is unusable either way; the original failure is what the caller needs to see
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing: nothing left to do with it
        }
    }
}
