package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.streamgate.gateway.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.Driver;

/**
 * The shared store: PostgreSQL, so that several gateway nodes keep one history. Connections come from a HikariCP
 * pool; the schema is Flyway's versioned migrations in {@code db/postgresql}, applied at open under Flyway's lock,
 * so nodes starting together migrate once.
 *
 * <p>What other nodes may do at the same time decides each statement. A conversation is claimed with
 * {@code INSERT ... ON CONFLICT DO NOTHING} and its owner read back: of racing claims on any nodes one row wins. An
 * append raises the conversation's {@code last_seq} first, which takes its row lock until commit, so appends to one
 * conversation are serialised by the database and numbered without gaps; an {@link AssistantTurn} is one
 * transaction. Only parameterised SQL.
 *
 * <p>A failure to reach the database (refused, broken, timed out, shutting down) is thrown as
 * {@link StoreUnavailableException}, every other one as {@link ConversationStoreException}. Connecting and waiting
 * for a pooled connection are bounded by the connect timeout, and every read of the socket by a few seconds more.
 */
public final class PostgresConversationStore implements ConversationStore {

    /** The Flyway location of the migrations. */
    public static final String MIGRATIONS = "classpath:db/postgresql";

    /** SQL states that mean the server is unreachable, stopping or not yet accepting connections. */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");
    private static final Duration SOCKET_TIMEOUT_BEYOND_CONNECT = Duration.ofSeconds(8);

    private final Clock clock;
    private final HikariDataSource pool;
    private final String display;
    /** Calls hold the read side; {@link #close} takes the write side, so it waits for calls in flight. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private PostgresConversationStore(Clock clock, HikariDataSource pool, String display) {
        this.clock = clock;
        this.pool = pool;
        this.display = display;
    }

    /**
     * Connects, applies the migrations the database lacks, and returns the store.
     *
     * @param poolSize the most connections this store opens
     * @param connectTimeout the longest a connection attempt, or a wait for a pooled connection, may take
     * @throws ConversationStoreException when the database cannot be reached or migrated; the message names where
     *     it is, never the password
     */
    public static PostgresConversationStore open(DatabaseUrl url, int poolSize, Duration connectTimeout, Clock clock) {
        requireNonNull(url, "url");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(clock, "clock");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(url, poolSize, connectTimeout));
        } catch (RuntimeException e) { // Hikari's PoolInitializationException: the first connection failed
            throw new ConversationStoreException("cannot connect to " + url.display() + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations(MIGRATIONS)
                    .load()
                    .migrate();
        } catch (FlywayException | IllegalStateException e) {
            pool.close();
            throw new ConversationStoreException("cannot migrate the schema of " + url.display() + ": "
                    + rootMessage(e), e);
        }
        return new PostgresConversationStore(clock, pool, url.display());
    }

    private static HikariConfig poolConfig(DatabaseUrl url, int poolSize, Duration connectTimeout) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("streamgate-db");
        c.setJdbcUrl(url.jdbcUrl());
        c.setDriverClassName(Driver.class.getName());
        if (url.user() != null) {
            c.setUsername(url.user());
        }
        if (url.password() != null) {
            c.setPassword(url.password());
        }
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(Math.min(2, poolSize));
        c.setConnectionTimeout(connectTimeout.toMillis());
        c.setValidationTimeout(Math.max(250, Math.min(1_000, connectTimeout.toMillis() / 2)));
        c.setInitializationFailTimeout(connectTimeout.toMillis());
        c.setAutoCommit(true);
        // The URL's own parameters win over these defaults: an operator may know better for their network.
        Properties inUrl = Driver.parseURL(url.jdbcUrl(), new Properties());
        int connectSeconds = (int) Math.max(1, (connectTimeout.toMillis() + 999) / 1_000);
        setUnlessGiven(c, inUrl, "connectTimeout", Integer.toString(connectSeconds));
        setUnlessGiven(c, inUrl, "loginTimeout", Integer.toString(connectSeconds));
        setUnlessGiven(c, inUrl, "socketTimeout",
                Long.toString(connectSeconds + SOCKET_TIMEOUT_BEYOND_CONNECT.toSeconds()));
        setUnlessGiven(c, inUrl, "tcpKeepAlive", "true");
        setUnlessGiven(c, inUrl, "ApplicationName", "streamgate");
        return c;
    }

    private static void setUnlessGiven(HikariConfig c, Properties inUrl, String name, String value) {
        if (inUrl == null || inUrl.getProperty(name) == null) {
            c.addDataSourceProperty(name, value);
        }
    }

    /** Where the database is, for log lines: never the password. */
    public String display() {
        return display;
    }

    /**
     * Reaches the database once ({@code SELECT 1} on a pooled connection).
     *
     * @throws StoreUnavailableException when it cannot be reached
     */
    public void ping() {
        call(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
                return r.next();
            }
        }, "reaching PostgreSQL");
    }

    @Override
    public void forEachConversationId(Consumer<String> action) {
        requireNonNull(action, "action");
        call(c -> {
            c.setAutoCommit(false); // a cursor: the ids are fetched in batches, not all held at once
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM conversations")) {
                s.setFetchSize(1_000);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        action.accept(r.getString(1));
                    }
                }
            } finally {
                c.rollback();
            }
            return null;
        }, "reading the conversation ids");
    }

    @Override
    public Optional<String> owner(String conversationId) {
        requireNonNull(conversationId, "conversationId");
        return call(c -> ConversationQueries.owner(c, conversationId, PostgresConversationStore::text),
                "reading the conversation's owner");
    }

    @Override
    public Optional<HistoryPage> page(String conversationId, long beforeSeq, int limit) {
        ConversationQueries.checkPage(conversationId, limit);
        return call(c -> ConversationQueries.page(c, conversationId, beforeSeq, limit, PostgresConversationStore::text),
                "reading the conversation");
    }

    @Override
    public String claim(String conversationId, String tenant) {
        requireNonNull(conversationId, "conversationId");
        requireNonNull(tenant, "tenant");
        return call(c -> {
            // A racing insert of the same id makes this one wait for it, then do nothing; the owner read after
            // (a new snapshot) is whoever's row committed.
            insertConversation(c, conversationId, tenant);
            return ConversationQueries.owner(c, conversationId, PostgresConversationStore::text).orElseThrow();
        }, "claiming the conversation");
    }

    @Override
    public List<StoredMessage> recent(String conversationId, int maxMessages) {
        requireNonNull(conversationId, "conversationId");
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be positive, got " + maxMessages);
        }
        return HistoryWindow.startAtUserMessage(
                call(c -> ConversationQueries.newest(c, conversationId, Long.MAX_VALUE, maxMessages,
                        PostgresConversationStore::text), "reading the history"));
    }

    @Override
    public void appendUser(String conversationId, String tenant, String text) {
        requireNonNull(conversationId, "conversationId");
        requireNonNull(tenant, "tenant");
        NewMessage message = NewMessage.user(text);
        transaction(c -> {
            insertConversation(c, conversationId, tenant);
            long last = reserve(c, conversationId, tenant, 1)
                    .orElseThrow(() -> new ForeignConversationException(conversationId)); // the row is someone else's
            insert(c, conversationId, List.of(message), last);
        }, "storing the question");
    }

    @Override
    public void appendAssistant(String conversationId, AssistantTurn turn) {
        requireNonNull(conversationId, "conversationId");
        requireNonNull(turn, "turn");
        transaction(c -> {
            long last = reserve(c, conversationId, null, turn.messages().size())
                    .orElseThrow(() -> new IllegalStateException("no conversation '" + conversationId + "' to answer in"));
            insert(c, conversationId, turn.messages(), last);
        }, "storing the answer");
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pool.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void insertConversation(Connection c, String conversationId, String tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO conversations (id, tenant, created_at)"
                + " VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, text(conversationId));
            s.setString(2, text(tenant));
            s.setLong(3, clock.instant().toEpochMilli());
            s.executeUpdate();
        }
    }

    /**
     * Numbers {@code count} messages after the conversation's last: raises {@code last_seq}, which locks the row
     * until the transaction ends, and returns the new last number; empty when there is no such conversation (or,
     * with {@code tenant}, when another tenant owns it).
     */
    private static Optional<Long> reserve(Connection c, String conversationId, String tenant, int count)
            throws SQLException {
        String sql = "UPDATE conversations SET last_seq = last_seq + ? WHERE id = ?"
                + (tenant != null ? " AND tenant = ?" : "") + " RETURNING last_seq";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(1, count);
            s.setString(2, text(conversationId));
            if (tenant != null) {
                s.setString(3, text(tenant));
            }
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
            }
        }
    }

    private void insert(Connection c, String conversationId, List<NewMessage> messages, long last)
            throws SQLException {
        Instant at = clock.instant();
        long seq = last - messages.size();
        try (PreparedStatement s = c.prepareStatement(MessageRows.INSERT)) {
            for (NewMessage m : messages) {
                MessageRows.bind(s, text(conversationId), ++seq, m, at, PostgresConversationStore::text);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * PostgreSQL's text cannot hold U+0000, which a client or a model may send: it is stored as U+FFFD (the
     * replacement character) rather than failing the write and losing the message.
     */
    static String text(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface WriteWork {
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode. */
    private <T> T call(Work<T> work, String what) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            try (Connection c = pool.getConnection()) {
                return work.run(c);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    private void transaction(WriteWork work, String what) {
        call(c -> {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
            return null;
        }, what);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the conversation store is closed");
        }
    }

    private ConversationStoreException failure(String what, SQLException e) {
        String message = what + " in " + display + " failed: " + e.getMessage();
        return unavailable(e) ? new StoreUnavailableException(message, e) : new ConversationStoreException(message, e);
    }

    /** Whether {@code e} (or a cause) says the server cannot be reached now, rather than that a statement failed. */
    static boolean unavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true; // the pool could not get a connection in time
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || UNAVAILABLE_STATES.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken either way; the original failure is what the caller needs to see
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
