package io.streamgate.bench.servers;

import io.streamgate.bench.Profile;
import io.streamgate.bench.SimulatorMain;
import io.streamgate.bench.proc.ChildProcess;
import io.streamgate.bench.proc.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Starts the servers a harness run measures, each as a child process on loopback, and returns once each
 * answers (bounded waits). Logs go to {@code logDir}.
 */
public final class Servers {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    public static final Path NGINX = Path.of("/usr/sbin/nginx");

    private Servers() {}

    /** The simulator with the profile's pacing; it exits by itself after {@code lifetime}. */
    public static RunningServer simulator(Profile profile, Path logDir, Duration lifetime) {
        ChildProcess p = ChildProcess.start("simulator",
                JavaCommand.main(SimulatorMain.class.getName(), Long.toString(profile.firstTokenDelayMs),
                        Long.toString(profile.tokenIntervalMs), Integer.toString(profile.tokens), "0",
                        Long.toString(lifetime.toSeconds())),
                Map.of(), logDir.resolve("simulator.log"), true);
        try {
            String url = p.awaitLine(SimulatorMain.URL_PREFIX, START_TIMEOUT);
            return new RunningServer("simulator", url, p, p.pid(), null);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** The gateway jar pointed at {@code upstreamUrl}; ready when {@code /healthz} answers 200. */
    public static RunningServer gateway(Path jar, String upstreamUrl, Path logDir) {
        return gateway(jar, upstreamUrl, logDir, Map.of());
    }

    /** Where a gateway started with {@code logDir} keeps its conversation store. */
    public static Path gatewayDataDir(Path logDir) {
        return logDir.resolve("gateway-data");
    }

    /** As above, with {@code extraEnv} added to the gateway's environment. */
    public static RunningServer gateway(Path jar, String upstreamUrl, Path logDir, Map<String, String> extraEnv) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: build first (make build)");
        }
        int port = Readiness.freePort();
        int metricsPort = Readiness.freePort();
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.putAll(Map.of(
                "STREAMGATE_PORT", Integer.toString(port),
                "STREAMGATE_METRICS_PORT", Integer.toString(metricsPort),
                "STREAMGATE_UPSTREAM_URL", upstreamUrl,
                "STREAMGATE_DATA_DIR", gatewayDataDir(logDir).toString(),
                // One load client is one tenant: lift the per-tenant limits unless the caller sets them.
                "STREAMGATE_TENANT_MAX_STREAMS", System.getenv().getOrDefault("STREAMGATE_TENANT_MAX_STREAMS", "100000"),
                "STREAMGATE_TENANT_REQUESTS_PER_MINUTE",
                System.getenv().getOrDefault("STREAMGATE_TENANT_REQUESTS_PER_MINUTE", "100000000")));
        ChildProcess p = ChildProcess.start("gateway", JavaCommand.jar(jar), env, logDir.resolve("gateway.log"), false);
        String base = "http://127.0.0.1:" + port;
        try {
            Readiness.await(base + "/healthz", 200, p, START_TIMEOUT);
            return new RunningServer("gateway", base, p, p.pid(),
                    "http://127.0.0.1:" + metricsPort + "/metrics");
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /**
     * nginx as a pass-through streaming proxy in front of {@code upstreamUrl}: the baseline that tells what any
     * proxy hop costs. Its config lives in {@code dir}; ready when it answers anything.
     */
    public static RunningServer nginx(String upstreamUrl, Path dir) {
        if (!Files.isExecutable(NGINX)) {
            throw new IllegalStateException(NGINX + " not found; install nginx to use --nginx");
        }
        java.net.URI upstream = java.net.URI.create(upstreamUrl);
        int port = Readiness.freePort();
        Path conf = dir.resolve("nginx.conf");
        try {
            Files.createDirectories(dir.resolve("temp"));
            Files.writeString(conf, NginxConfig.render(dir, port, upstream.getHost() + ":" + upstream.getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChildProcess p = ChildProcess.start("nginx",
                List.of(NGINX.toString(), "-p", dir.toString(), "-c", conf.toString(), "-e",
                        dir.resolve("error.log").toString(), "-g", "daemon off;"),
                Map.of(), dir.resolve("nginx.out"), false);
        String base = "http://127.0.0.1:" + port + upstream.getPath().replaceAll("/+$", "");
        try {
            Readiness.await("http://127.0.0.1:" + port + "/", -1, p, START_TIMEOUT);
            return new RunningServer("nginx", base, p, p.pid(), null);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }
}
