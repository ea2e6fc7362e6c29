package io.streamgate.gateway.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.streamgate.engines.PostgresServer;
import io.streamgate.gateway.config.DatabaseUrl;
import io.streamgate.gateway.conversation.PostgresConversationStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server from the system's packages: {@link PostgresServer} (shared with the load harness: a
 * temporary directory, a free port of 127.0.0.1, {@code runuser} as root), with what the tests add: the skip/fail
 * policy for a missing installation, one server per test JVM, and fresh databases with the gateway's schema.
 *
 * <p>{@link #shared()} is one server for the whole test JVM, started on first use and stopped by a shutdown hook;
 * each test takes a {@linkplain #createDatabase fresh database} on it. A test that stops and starts the server
 * (PostgreSQL down) {@linkplain #startPrivate starts its own} and closes it. Missing binaries skip the test on a
 * developer machine but fail it with {@code CI=true}, where {@code .ci/run} installs them.
 */
public final class PostgresProcess implements AutoCloseable {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final String TEMPLATE = "streamgate_migrated";
    private static PostgresProcess shared;

    private final PostgresServer server;
    private boolean migratedTemplate;

    private PostgresProcess(PostgresServer server) {
        this.server = server;
    }

    /** The server every test of this JVM shares; started on first use. Skips or fails like {@link #requireInstalled}. */
    public static synchronized PostgresProcess shared() {
        if (shared == null) {
            PostgresProcess started = startPrivate();
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(started::close));
            shared = started;
        }
        return shared;
    }

    /** A server of the caller's own, to stop and start; {@link #close} stops it and removes its directory. */
    public static PostgresProcess startPrivate() {
        requireInstalled();
        return new PostgresProcess(PostgresServer.start());
    }

    /**
     * The {@code bin} directory of the newest installed PostgreSQL; skips the calling test when there is none, or
     * fails it when {@code CI=true}.
     */
    public static Path requireInstalled() {
        Optional<Path> bin = PostgresServer.installed();
        if (bin.isPresent()) {
            return bin.get();
        }
        String message = "this test needs " + PostgresServer.notInstalledMessage();
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true: " + message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    public int port() {
        return server.port();
    }

    /**
     * A new database on this server with the gateway's schema and no data, as the URL the gateway takes
     * ({@code STREAMGATE_DATABASE_URL}). It is a copy of a template migrated once, so that a test does not pay for
     * the migrations (the gateway's start still checks them). Databases are named in order; dropped with the server.
     */
    public synchronized String createDatabase() {
        if (!migratedTemplate) {
            createDatabase(TEMPLATE, "template0");
            Flyway.configure()
                    .dataSource(jdbcUrl(TEMPLATE), "postgres", null)
                    .locations(PostgresConversationStore.MIGRATIONS)
                    .load()
                    .migrate();
            migratedTemplate = true;
        }
        return url(createDatabase("streamgate_test_" + DATABASES.incrementAndGet(), TEMPLATE));
    }

    /** A new, empty database on this server (no schema: what a first start migrates), as the gateway's URL. */
    public String createEmptyDatabase() {
        return url(createDatabase("streamgate_test_" + DATABASES.incrementAndGet(), "template0"));
    }

    private String createDatabase(String name, String template) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), "postgres", null);
                Statement s = c.createStatement()) {
            s.executeUpdate("CREATE DATABASE " + name + " TEMPLATE " + template); // names made here, not input
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a database on port " + port() + ": " + e, e);
        }
        return name;
    }

    /** The gateway's URL for {@code database} on this server, as user {@code postgres}. */
    public String url(String database) {
        return server.url(database);
    }

    private String jdbcUrl(String database) {
        return server.jdbcUrl(database);
    }

    /** A connection to a database {@link #createDatabase} made, for tests that look at the tables themselves. */
    public static Connection connect(String url) throws SQLException {
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        return DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password());
    }

    /** How many messages the database at {@code url} holds for {@code conversationId}. */
    public static int storedMessages(String url, String conversationId) {
        try (Connection c = connect(url);
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM messages WHERE conversation_id = ?")) {
            s.setString(1, conversationId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server (fast shutdown: open connections are cut); returns once it is down. */
    public void stop() {
        server.stop();
    }

    /** Starts the stopped server again, on the same port with the same data; returns once it accepts connections. */
    public void start() {
        server.startAgain();
    }

    /** Stops the server and removes its directory. */
    @Override
    public void close() {
        server.close();
    }
}
