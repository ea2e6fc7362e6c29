package io.streamgate.gateway.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway in a JVM of its own, as in production: started from the test class path with its settings as
 * environment variables, killed with SIGKILL or stopped with SIGTERM. Its output goes to a file that
 * {@link #output()} reads (tests show it on failure, see {@link GatewayNodes}).
 *
 * <p>The child runs with the same paranoid leak detection as the tests; {@link #stop()} fails when the node's output
 * has a {@code LEAK:} report (see {@link GatewayNodeMain}). A node killed with {@link #kill9()} gets no such check:
 * it has no chance to report.
 */
public final class GatewayNode implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("streamgate listening on http://[^ ]*:(\\d+) ");
    private static final Duration START_GUARD = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private GatewayNode(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts a node and waits until {@code /healthz} answers.
     *
     * @param name shown in failures; also its {@code STREAMGATE_NODE_ID} unless {@code settings} give one
     * @param settings {@code STREAMGATE_*} names and values, in pairs; the ports are always ephemeral
     * @param jvmOptions extra options for the child JVM, such as a system property
     */
    public static GatewayNode start(String name, Map<String, String> settings, String... jvmOptions) {
        requireNonNull(name, "name");
        Path log;
        try {
            log = Files.createTempFile("streamgate-node-" + name + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(java(), "-ea",
                "-Dio.netty.leakDetection.level=paranoid", "-Dio.netty.leakDetection.targetRecords=8",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                // A test node serves a handful of streams: C1 alone starts faster and leaves the 2 cores to the others.
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx256m"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), GatewayNodeMain.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("STREAMGATE_")); // only what the test says
        env.put("STREAMGATE_NODE_ID", name);
        env.put("STREAMGATE_IO_THREADS", "2");
        env.put("STREAMGATE_UPSTREAM_CLIENT", GatewayUnderTest.UPSTREAM_CLIENT);
        env.putAll(settings);
        env.put("STREAMGATE_PORT", "0");
        env.put("STREAMGATE_METRICS_PORT", "0");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GatewayNode node = null;
        try {
            int port = awaitPort(name, process, log);
            node = new GatewayNode(name, process, log, port);
            GatewayNode started = node;
            Await.until("node " + name + " answers /healthz", () -> started.healthy(), START_GUARD);
            return node;
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw new AssertionError("node " + name + " did not start:\n" + read(log), e);
        }
    }

    /** Settings in pairs (name, value, name, value...), in order. */
    public static Map<String, String> settings(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int awaitPort(String name, Process process, Path log) {
        int[] port = {-1};
        Await.until("node " + name + " logs its port", () -> {
            Matcher m = LISTENING.matcher(read(log));
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError("node " + name + " exited with " + process.exitValue());
            }
            return false;
        }, START_GUARD);
        return port[0];
    }

    private boolean healthy() {
        try (RawHttpClient r = RawHttpClient.connect(port).send("GET", "/healthz", null).readHead()) {
            return r.status() == 200;
        } catch (IOException e) {
            if (!process.isAlive()) {
                throw new AssertionError("node " + name + " exited with " + process.exitValue());
            }
            return false;
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Sends a request to the node and reads the response head; {@code body} null for none. */
    public RawHttpClient request(String method, String path, String body, String... headers) throws IOException {
        return RawHttpClient.connect(port).send(method, path, body, headers).readHead();
    }

    /** Everything the node wrote so far (stdout and stderr). */
    public String output() {
        return read(log);
    }

    /** {@code kill -9}: the node ends at once, with no shutdown of any kind; returns once it has exited. */
    public void kill9() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(20));
    }

    /**
     * SIGTERM: the node shuts down as in production; returns once it has exited.
     *
     * @throws AssertionError if it did not exit in time, or its output reports a leaked buffer
     */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(Duration.ofSeconds(30))) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(10));
            throw new AssertionError("node " + name + " did not stop within 30 s of SIGTERM:\n" + output());
        }
        assertNoLeak();
    }

    /** Fails when the node's output holds a leak report. */
    public void assertNoLeak() {
        String out = output();
        if (out.contains("LEAK:")) {
            throw new AssertionError("node " + name + " reported leaked buffers:\n" + out);
        }
    }

    private boolean awaitExit(Duration guard) {
        try {
            return process.waitFor(guard.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the node (see {@link #stop()}) and removes its log. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                // a temporary file left behind is harmless
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "node " + name + " on port " + port;
    }
}
