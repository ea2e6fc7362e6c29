package io.streamgate.gateway;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig;

/** {@code java -jar streamgate.jar}: reads the {@code STREAMGATE_*} settings and runs until stopped. */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        StreamGate gate;
        try {
            gate = StreamGate.start(GatewayConfig.fromEnvironment());
        } catch (ConfigException e) {
            System.err.println("streamgate: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(gate::close));
        Thread.currentThread().join();
    }
}
