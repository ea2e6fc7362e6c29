package io.streamgate.gateway.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How the built-in simulator paces and sizes its answers.
 *
 * <p>The delays exist so that the gateway's streaming path (time to first token, coalescing,
 * backpressure) can be exercised and demonstrated without a real provider; zero delays are
 * valid and make the simulator write as fast as the client reads.
 *
 * @param firstTokenDelay time from the request to the first content token
 * @param tokenInterval time between two content tokens; zero writes tokens back to back,
 *     bounded only by the channel's writability
 * @param tokens answer length in tokens (words), 1..100000; a request's {@code max_tokens} can
 *     only shorten it
 * @param port TCP port on 127.0.0.1, 0 for an ephemeral port
 */
public record SimulatorSettings(Duration firstTokenDelay, Duration tokenInterval, int tokens, int port) {

    /** Upper bound on {@link #tokens()}, so that one answer stays a few hundred kilobytes at most. */
    public static final int MAX_TOKENS = 100_000;

    public SimulatorSettings {
        requireNonNegative(firstTokenDelay, "firstTokenDelay");
        requireNonNegative(tokenInterval, "tokenInterval");
        if (tokens < 1 || tokens > MAX_TOKENS) {
            throw new IllegalArgumentException("tokens must be in 1.." + MAX_TOKENS + ", was " + tokens);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        }
    }

    /** 50 ms to the first token, then one token every 20 ms, 60 tokens, an ephemeral port. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(Duration.ofMillis(50), Duration.ofMillis(20), 60, 0);
    }

    private static void requireNonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
    }
}
