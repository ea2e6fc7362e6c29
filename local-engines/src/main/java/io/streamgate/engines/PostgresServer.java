package io.streamgate.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from the system's packages ({@code /usr/lib/postgresql/<version>/bin}, the newest), in a
 * temporary directory, on a free port of 127.0.0.1, tuned for throwaway data ({@code fsync}, full-page writes and
 * synchronous commit off, small buffers, its socket in its own directory), with one trusted superuser,
 * {@code postgres}. PostgreSQL refuses to run as root, so as root it runs as {@code postgres} through
 * {@code runuser}. Readiness is {@code pg_ctl -w}'s own polling, bounded by {@code -t}. {@link #close} stops it and
 * removes its directory.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Path VERSIONS = Path.of("/usr/lib/postgresql");
    private static final int WAIT_SECONDS = 60;

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final boolean asRoot;
    private int port;
    private boolean running;

    private PostgresServer(Path bin, Path dir, boolean asRoot) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.asRoot = asRoot;
    }

    /** The {@code bin} directory of the newest installed PostgreSQL, if any. */
    public static Optional<Path> installed() {
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

    /** The message for a missing installation. */
    public static String notInstalledMessage() {
        return "PostgreSQL is not installed (" + VERSIONS + "/<version>/bin/postgres); install it with: "
                + "apt-get update && apt-get install -y postgresql";
    }

    /**
     * Creates a cluster in a new temporary directory and starts it on a free port.
     *
     * @throws IllegalStateException when PostgreSQL is not installed or does not start
     */
    public static PostgresServer start() {
        Path bin = installed().orElseThrow(() -> new IllegalStateException(notInstalledMessage()));
        Path dir;
        try {
            dir = Files.createTempDirectory("streamgate-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PostgresServer pg = new PostgresServer(bin, dir, "root".equals(System.getProperty("user.name")));
        try {
            pg.initdb();
            pg.startOnFreePort();
            return pg;
        } catch (RuntimeException | Error e) {
            pg.close();
            throw e;
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

    /** The URL a gateway takes ({@code STREAMGATE_DATABASE_URL}) for {@code database}, as the trusted {@code postgres}. */
    public String url(String database) {
        return "postgresql://postgres@127.0.0.1:" + port + "/" + database;
    }

    /** A pgjdbc URL for {@code database} (user {@code postgres}, no password). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The postmaster's process id (its backends are its children); -1 while the server is not running. */
    public synchronized long pid() {
        if (!running) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());
        } catch (IOException | RuntimeException e) {
            return -1;
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
    public synchronized void startAgain() {
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
            Directories.deleteRecursively(dir);
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
                startOn(FreePort.loopback());
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
}
