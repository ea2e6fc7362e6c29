package io.streamgate.gateway;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig;

/**
 * {@code java -jar streamgate.jar}: reads the {@code STREAMGATE_*} settings and runs until stopped.
 *
 * <p>A start that fails prints one line to stderr and exits non-zero: 2 for a setting to fix (the line names it),
 * 1 for anything else.
 */
public final class Main {

    static final int EXIT_CONFIG = 2;
    static final int EXIT_FAILED = 1;

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        StreamGate gate;
        try {
            gate = StreamGate.start(GatewayConfig.fromEnvironment());
        } catch (ConfigException e) {
            fail(e.getMessage(), EXIT_CONFIG);
            return;
        } catch (RuntimeException | Error e) {
            fail("cannot start: " + e, EXIT_FAILED);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(gate::close));
        Thread.currentThread().join();
    }

    private static void fail(String message, int status) {
        System.err.println("streamgate: " + message.replaceAll("\\R", " "));
        System.exit(status);
    }
}
