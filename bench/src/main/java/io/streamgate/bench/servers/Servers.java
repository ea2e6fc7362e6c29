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
        return simulator(profile, profile.firstTokenDelayMs, logDir, lifetime);
    }

    /** As above, with its first token after {@code firstTokenMs} instead of the profile's delay. */
    public static RunningServer simulator(Profile profile, long firstTokenMs, Path logDir, Duration lifetime) {
        ChildProcess p = ChildProcess.start("simulator",
                JavaCommand.main(SimulatorMain.class.getName(), Long.toString(firstTokenMs),
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
        return gateway(jar, upstreamUrl, logDir, extraEnv, false);
    }

    /**
     * As above; with {@code jfr}, the gateway records a JFR profile ({@code settings=profile}: method samples every
     * 10-20 ms, allocations, locks, socket I/O) of its whole run to {@code logDir/gateway.jfr}, written when it exits.
     */
    public static RunningServer gateway(Path jar, String upstreamUrl, Path logDir, Map<String, String> extraEnv,
            boolean jfr) {
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
        ChildProcess p = ChildProcess.start("gateway", JavaCommand.jar(jar, jfr
                ? List.of("-XX:StartFlightRecording=settings=profile,filename=" + logDir.resolve("gateway.jfr").toAbsolutePath())
                : List.of()), env, logDir.resolve("gateway.log"), false);
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
     * proxy hop costs. An {@code https} upstream is verified against {@code trustedCa} (the TLS pass's baseline).
     * Its config lives in {@code dir}; ready when it answers anything.
     */
    public static RunningServer nginx(String upstreamUrl, Path dir, Path trustedCa) {
        java.net.URI upstream = java.net.URI.create(upstreamUrl);
        int port = Readiness.freePort();
        // nginx resolves a name once, to every address; the upstreams here listen on IPv4 loopback only
        String hostPort = "127.0.0.1:" + upstream.getPort();
        String conf = upstream.getScheme().equals("https")
                ? NginxConfig.proxyToTls(dir, port, hostPort, java.util.Objects.requireNonNull(trustedCa, "trustedCa"),
                        upstream.getHost())
                : NginxConfig.proxy(dir, port, hostPort);
        ChildProcess p = startNginx("nginx", dir, conf, port);
        return new RunningServer("nginx", "http://127.0.0.1:" + port + upstream.getPath().replaceAll("/+$", ""),
                p, p.pid(), null);
    }

    /**
     * nginx terminating TLS in front of the plain {@code upstreamUrl}, with a certificate for {@code localhost}
     * made at run time ({@link #certificate}, the CA file to trust it with); its base URL is
     * {@code https://localhost:PORT/PATH}. Ready when it answers anything.
     */
    public static RunningServer tlsTerminator(String upstreamUrl, Path dir) {
        java.net.URI upstream = java.net.URI.create(upstreamUrl);
        int port = Readiness.freePort();
        generateCertificate(dir);
        String conf = NginxConfig.tlsTerminator(dir, port, upstream.getHost() + ":" + upstream.getPort(),
                certificate(dir), dir.resolve("key.pem"));
        ChildProcess p = startNginx("tls-nginx", dir, conf, port);
        return new RunningServer("tls-nginx", "https://localhost:" + port + upstream.getPath().replaceAll("/+$", ""),
                p, p.pid(), null);
    }

    /** The self-signed certificate a {@link #tlsTerminator} in {@code dir} serves: the CA file to trust. */
    public static Path certificate(Path dir) {
        return dir.resolve("cert.pem");
    }

    /** An EC P-256 key and a self-signed certificate for localhost, valid two days, made with openssl. */
    private static void generateCertificate(Path dir) {
        try {
            Files.createDirectories(dir);
            Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir.resolve("key.pem").toString(),
                    "-out", certificate(dir).toString(), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.out").toFile())
                    .start();
            if (!openssl.waitFor(START_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                openssl.destroyForcibly();
                throw new IllegalStateException("openssl did not finish making the test certificate");
            }
            if (openssl.exitValue() != 0) {
                throw new IllegalStateException("openssl could not make the test certificate; see "
                        + dir.resolve("openssl.out"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (needed by --tls)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the test certificate", e);
        }
    }

    /**
     * Writes {@code conf} to {@code dir}, starts nginx with it and waits until {@code port} answers HTTP (a TLS
     * port answers plain HTTP too, with 400).
     */
    private static ChildProcess startNginx(String name, Path dir, String conf, int port) {
        if (!Files.isExecutable(NGINX)) {
            throw new IllegalStateException(NGINX + " not found; install nginx to use --nginx or --tls");
        }
        Path file = dir.resolve("nginx.conf");
        try {
            Files.createDirectories(dir.resolve("temp"));
            Files.writeString(file, conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChildProcess p = ChildProcess.start(name,
                List.of(NGINX.toString(), "-p", dir.toString(), "-c", file.toString(), "-e",
                        dir.resolve("error.log").toString(), "-g", "daemon off;"),
                Map.of(), dir.resolve("nginx.out"), false);
        try {
            Readiness.await("http://127.0.0.1:" + port + "/", -1, p, START_TIMEOUT);
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }
}
