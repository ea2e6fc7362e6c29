package io.streamgate.gateway;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar streamgate.jar}: reads the {@code STREAMGATE_*} settings and runs until stopped. */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        GatewayConfig config;
        try {
            config = GatewayConfig.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("streamgate: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!isLoopback(config.bindAddress())) {
            log.warn("no client authentication is configured, yet the gateway binds to {}: anyone who can reach it "
                    + "can use the upstream", config.bindAddress());
        }
        StreamGate gate = StreamGate.start(config);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(gate::close));
        Thread.currentThread().join();
    }

    private static boolean isLoopback(String address) {
        return address.equals("127.0.0.1") || address.equals("::1") || address.equals("localhost");
    }
}
