package io.streamgate.gateway.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import io.streamgate.gateway.config.DatabaseUrl;
import io.streamgate.gateway.conversation.PostgresConversationStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server from the system's packages ({@code /usr/lib/postgresql/<version>/bin}), in a temporary
 * directory, on a free port of 127.0.0.1, tuned to start fast ({@code fsync} off, small buffers, its socket in its
 * own directory). PostgreSQL refuses to run as root, so a root test run starts it as {@code postgres} with
 * {@code runuser}.
 *
 * <p>{@link #shared()} is one server for the whole test JVM, started on first use and stopped by a shutdown hook;
 * each test takes a {@linkplain #createDatabase fresh database} on it. A test that stops and starts the server
 * (PostgreSQL down) {@linkplain #startPrivate starts its own} and closes it. Readiness is {@code pg_ctl -w}'s own
 * polling, bounded by {@code -t}. Missing binaries skip the test on a developer machine but fail it with
 * {@code CI=true}, where {@code .ci/run} installs them.
 */
public final class PostgresProcess implements AutoCloseable {

    private static final Path VERSIONS = Path.of("/usr/lib/postgresql");
    private static final int WAIT_SECONDS = 60;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final String TEMPLATE = "streamgate_migrated";
    private static PostgresProcess shared;

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final boolean asRoot;
    private int port;
    private boolean running;
    private boolean migratedTemplate;

    private PostgresProcess(Path bin, Path dir, boolean asRoot) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.asRoot = asRoot;
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
        Path bin = requireInstalled();
        Path dir;
        try {
            dir = Files.createTempDirectory("streamgate-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PostgresProcess pg = new PostgresProcess(bin, dir, "root".equals(System.getProperty("user.name")));
        try {
            pg.initdb();
            pg.startOnFreePort();
            return pg;
        } catch (RuntimeException | Error e) {
            pg.close();
            throw e;
        }
    }

    /**
     * The {@code bin} directory of the newest installed PostgreSQL; skips the calling test when there is none, or
     * fails it when {@code CI=true}.
     */
    public static Path requireInstalled() {
        Optional<Path> bin = installed();
        if (bin.isPresent()) {
            return bin.get();
        }
        String message = "this test needs a PostgreSQL server (" + VERSIONS + "/<version>/bin/postgres); install it "
                + "with: apt-get update && apt-get install -y postgresql";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true: " + message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    private static Optional<Path> installed() {
        if (!Files.isDirectory(VERSIONS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(VERSIONS)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public int port() {
        return port;
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
            throw new IllegalStateException("cannot create a database on port " + port + ": " + e, e);
        }
        return name;
    }

    /** The gateway's URL for {@code database} on this server, as user {@code postgres}. */
    public String url(String database) {
        return "postgresql://postgres@127.0.0.1:" + port + "/" + database;
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
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
    public synchronized void stop() {
        if (running) {
            running = false;
            pgCtl("stop", "-m", "fast");
        }
    }

    /** Starts the stopped server again, on the same port with the same data; returns once it accepts connections. */
    public synchronized void start() {
        if (!running) {
            startOn(port);
        }
    }

    /** Stops the server and removes its directory. */
    @Override
    public synchronized void close() {
        try {
            if (running) {
                running = false;
                pgCtl("stop", "-m", "immediate");
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private void initdb() {
        if (asRoot) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        run(asPostgres(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")));
    }

    /** Another process may take a port between our probe and the server's bind: then a new port is tried. */
    private void startOnFreePort() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                startOn(freePort());
                return;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private void startOn(int port) {
        String options = String.join(" ", "-p", Integer.toString(port), "-k", dir.toString(),
                "-F", "-c", "listen_addresses=127.0.0.1", "-c", "shared_buffers=16MB", "-c", "max_connections=300",
                "-c", "full_page_writes=off", "-c", "synchronous_commit=off");
        pgCtl("start", "-l", dir.resolve("server.log").toString(), "-o", options);
        this.port = port;
        this.running = true;
    }

    private void pgCtl(String action, String... args) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-w", "-t", Integer.toString(WAIT_SECONDS)));
        command.addAll(List.of(args));
        command.add(action);
        run(asPostgres(command));
    }

    private List<String> asPostgres(List<String> command) {
        if (!asRoot) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private void run(List<String> command) {
        Path out = dir.resolve("command.out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(WAIT_SECONDS + 10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                        + Files.readString(out) + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory: what cannot be removed now the system's cleaning removes later
        }
    }
}
