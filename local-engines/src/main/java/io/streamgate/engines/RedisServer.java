package io.streamgate.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, in its own temporary directory, with no
 * persistence. It can be stopped, started again on the same port, or killed, to see a gateway degrade and recover;
 * {@link #close} stops it and removes its directory.
 *
 * <p>What to do when the binary is missing is the caller's policy ({@link #installed}): the gateway's tests skip or
 * fail, the load harness refuses the option that needs it.
 */
public final class RedisServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/redis-server");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts a server on a free port and waits until it answers PING.
     *
     * @throws IllegalStateException when redis-server is not installed or does not answer in time
     */
    public static RedisServer start() {
        if (!installed()) {
            throw new IllegalStateException(BINARY + " is not installed (apt-get install redis-server)");
        }
        RedisServer redis;
        try {
            redis = new RedisServer(FreePort.loopback(), Files.createTempDirectory("streamgate-redis-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            redis.startAgain();
            return redis;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** The server's process id; -1 while it is not running. */
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts the server again, on the same port, empty; waits until it answers PING. */
    public synchronized void startAgain() {
        if (running()) {
            throw new IllegalStateException("already running");
        }
        try {
            process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--protected-mode", "no", "--loglevel", "warning"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        Poll.until("redis-server on port " + port + " answers PING", () -> {
            if (!started.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + log());
            }
            return answersPing();
        }, START_TIMEOUT);
    }

    /** Stops the server (SIGTERM) and waits for it to exit. */
    public synchronized void stop() {
        end(false);
    }

    /** Kills the server (SIGKILL) and waits for it to exit. */
    public synchronized void kill() {
        end(true);
    }

    private void end(boolean force) {
        if (process == null) {
            return;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Sends one command in Redis's inline form and returns the first line of the reply. */
    public String command(String inline) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = s.getInputStream().read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean answersPing() {
        try {
            return command("PING").equals("+PONG");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public synchronized void close() {
        stop();
        Directories.deleteRecursively(dir);
    }
}
