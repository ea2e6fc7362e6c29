package io.streamgate.bench;

import io.streamgate.gateway.simulator.Simulator;
import io.streamgate.gateway.simulator.SimulatorSettings;
import java.time.Duration;

/**
 * Runs the gateway's built-in simulator as its own process, so the harness can measure it directly, through
 * nginx and through the gateway with the same upstream and without the upstream's CPU being counted as the
 * gateway's.
 *
 * <p>Usage: {@code SimulatorMain FIRST_TOKEN_DELAY_MS TOKEN_INTERVAL_MS TOKENS PORT MAX_LIFETIME_S}. Prints
 * {@code SIMULATOR_URL=http://127.0.0.1:PORT/v1} once listening. Exits when its stdin closes (the harness went
 * away) or after the lifetime, whichever comes first, so it can never be left behind.
 */
public final class SimulatorMain {

    public static final String URL_PREFIX = "SIMULATOR_URL=";

    private SimulatorMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SimulatorMain FIRST_TOKEN_DELAY_MS TOKEN_INTERVAL_MS TOKENS PORT MAX_LIFETIME_S");
            System.exit(2);
        }
        SimulatorSettings settings = new SimulatorSettings(Duration.ofMillis(Long.parseLong(args[0])),
                Duration.ofMillis(Long.parseLong(args[1])), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        long lifetimeMillis = Duration.ofSeconds(Long.parseLong(args[4])).toMillis();
        try (Simulator simulator = Simulator.start(settings)) {
            System.out.println(URL_PREFIX + simulator.baseUrl());
            System.out.flush();
            Thread stdinWatch = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // nothing is sent; EOF means the parent is gone
                    }
                } catch (java.io.IOException ignored) {
                    // treat as EOF
                }
            });
            stdinWatch.join(lifetimeMillis);
        }
    }
}
