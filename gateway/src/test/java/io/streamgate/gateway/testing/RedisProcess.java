package io.streamgate.gateway.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.streamgate.engines.RedisServer;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, with no persistence: {@link RedisServer}
 * (shared with the load harness) with the tests' policy for a missing binary. Tests stop it, start it again on the
 * same port, or kill it, to see the gateway degrade and recover.
 *
 * <p>Without {@code redis-server} the calling test is skipped, or fails with {@code CI=true}, where {@code .ci/run}
 * installs it.
 */
public final class RedisProcess implements AutoCloseable {

    private final RedisServer server;

    private RedisProcess(RedisServer server) {
        this.server = server;
    }

    /** Starts a server on a free port and waits until it answers. */
    public static RedisProcess start() {
        requireInstalled();
        return new RedisProcess(RedisServer.start());
    }

    /** Skips the calling test (or fails it in CI) when redis-server is not installed. */
    public static void requireInstalled() {
        if (RedisServer.installed()) {
            return;
        }
        String message = "redis-server is not installed (apt-get install redis-server)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true: " + message);
        }
        Assumptions.abort(message);
    }

    public int port() {
        return server.port();
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return server.url();
    }

    public boolean running() {
        return server.running();
    }

    /** Starts the server again, on the same port, empty; waits until it answers PING. */
    public void startAgain() {
        server.startAgain();
    }

    /** Stops the server (SIGTERM) and waits for it to exit. */
    public void stop() {
        server.stop();
    }

    /** Kills the server (SIGKILL) and waits for it to exit. */
    public void kill() {
        server.kill();
    }

    /** Sends one command in Redis's inline form and returns the first line of the reply. */
    public String command(String inline) {
        return server.command(inline);
    }

    @Override
    public void close() {
        server.close();
    }
}
