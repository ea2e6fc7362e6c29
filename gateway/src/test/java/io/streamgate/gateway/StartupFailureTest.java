package io.streamgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.testing.GatewayUnderTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a start can fail ends in one line that names the setting to fix, a non-zero exit, and nothing left
 * running. A few cases run {@link Main} in a child JVM, as {@code make run} does, to see exactly what a user sees.
 */
class StartupFailureTest {

    @TempDir
    Path dir;

    @Test
    void aPortInUseIsOneLineNamingTheSettingAndANonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Exit exit = runMain(Map.of("STREAMGATE_PORT", Integer.toString(taken.getLocalPort())));

            assertEquals(List.of("streamgate: STREAMGATE_PORT: port " + taken.getLocalPort()
                    + " is already in use (on 127.0.0.1)"), exit.stderr());
            assertEquals(Main.EXIT_CONFIG, exit.status());
        }
    }

    @Test
    void anthropicWithoutAModelIsOneLineNotAStackTrace() throws Exception {
        Exit exit = runMain(Map.of("STREAMGATE_UPSTREAM_KIND", "anthropic",
                "STREAMGATE_UPSTREAM_URL", "http://127.0.0.1:1/v1"));

        assertEquals(1, exit.stderr().size(), exit.stderr().toString());
        assertTrue(exit.stderr().getFirst().startsWith("streamgate: STREAMGATE_MODEL is required with "
                + "STREAMGATE_UPSTREAM_KIND=anthropic"), exit.stderr().getFirst());
        assertEquals(Main.EXIT_CONFIG, exit.status());
    }

    @Test
    void anUnreadablePropertiesFileIsOneLineNamingTheSetting() throws Exception {
        Path missing = dir.resolve("missing.properties");

        Exit exit = runMain(Map.of("STREAMGATE_CONFIG", missing.toString()));

        assertEquals(1, exit.stderr().size(), exit.stderr().toString());
        assertTrue(exit.stderr().getFirst().startsWith("streamgate: STREAMGATE_CONFIG: cannot read the properties file "
                + missing), exit.stderr().getFirst());
        assertEquals(Main.EXIT_CONFIG, exit.status());
    }

    @Test
    void aBusyMetricsPortFailsTheStartAndReleasesEverythingStartedBeforeIt() throws Exception {
        int apiPort = freePort();
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ConfigException e = assertThrows(ConfigException.class, () -> GatewayUnderTest.start(null,
                    "STREAMGATE_PORT", Integer.toString(apiPort),
                    "STREAMGATE_METRICS_PORT", Integer.toString(taken.getLocalPort())));

            assertEquals("STREAMGATE_METRICS_PORT: port " + taken.getLocalPort() + " is already in use (on 127.0.0.1)",
                    e.getMessage());
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), apiPort)); // fails if still listening
        }
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("streamgate-"))
                .toList();
        for (Thread t : started) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertEquals(List.of(), started.stream().filter(Thread::isAlive).map(Thread::getName).toList(),
                "the simulator's, the event loops' and the stream log's threads are stopped");
    }

    @Test
    void aSecondGatewayOnAPortThatIsServingFails() {
        try (GatewayUnderTest first = GatewayUnderTest.start(null)) {
            ConfigException e = assertThrows(ConfigException.class, () -> GatewayUnderTest.start(null,
                    "STREAMGATE_PORT", Integer.toString(first.port())));

            assertEquals("STREAMGATE_PORT: port " + first.port() + " is already in use (on 127.0.0.1)", e.getMessage());
        }
    }

    @Test
    void withReusePortTwoGatewaysShareThePortOnPurpose() {
        assumeTrue(Transport.best().reusePort() != null, "port sharing needs a native transport");
        try (GatewayUnderTest first = GatewayUnderTest.start(null, "STREAMGATE_REUSE_PORT", "true");
                GatewayUnderTest second = GatewayUnderTest.start(null, "STREAMGATE_REUSE_PORT", "true",
                        "STREAMGATE_PORT", Integer.toString(first.port()))) {
            assertEquals(first.port(), second.port());
        }
    }

    @Test
    void reusePortWithTheNioTransportIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayUnderTest.start(null,
                "STREAMGATE_REUSE_PORT", "true", "STREAMGATE_TRANSPORT", "nio"));

        assertTrue(e.getMessage().startsWith("STREAMGATE_REUSE_PORT: "), e.getMessage());
    }

    @Test
    void http2WithTheNettyUpstreamClientIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayUnderTest.start(null,
                "STREAMGATE_UPSTREAM_CLIENT", "netty", "STREAMGATE_UPSTREAM_HTTP2", "true"));

        assertTrue(e.getMessage().startsWith("STREAMGATE_UPSTREAM_HTTP2: "), e.getMessage());
    }

    @Test
    void anUnknownUpstreamClientNamesTheSetting() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayUnderTest.start(null, "STREAMGATE_UPSTREAM_CLIENT", "curl"));

        assertTrue(e.getMessage().contains("STREAMGATE_UPSTREAM_CLIENT"), e.getMessage());
    }

    @Test
    void aBadValueNamesTheSetting() {
        ConfigException range = assertThrows(ConfigException.class,
                () -> GatewayUnderTest.start(null, "STREAMGATE_METRICS_PORT", "70000"));
        ConfigException notANumber = assertThrows(ConfigException.class,
                () -> GatewayUnderTest.start(null, "STREAMGATE_IO_THREADS", "two"));
        ConfigException choice = assertThrows(ConfigException.class,
                () -> GatewayUnderTest.start(null, "STREAMGATE_UPSTREAM_HTTP2", "maybe"));

        assertTrue(range.getMessage().startsWith("STREAMGATE_METRICS_PORT must be between"), range.getMessage());
        assertTrue(notANumber.getMessage().startsWith("STREAMGATE_IO_THREADS must be an integer"), notANumber.getMessage());
        assertTrue(choice.getMessage().startsWith("STREAMGATE_UPSTREAM_HTTP2 must be true or false"), choice.getMessage());
    }

    @Test
    void anHttpToolsFileThatDoesNotParseNamesTheSetting() throws IOException {
        Path tools = Files.writeString(dir.resolve("tools.json"), "[{\"name\": \"weather\",");

        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayUnderTest.start(null, "STREAMGATE_HTTP_TOOLS_FILE", tools.toString()));

        assertTrue(e.getMessage().startsWith("STREAMGATE_HTTP_TOOLS_FILE " + tools + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void aDataDirThatCannotBeCreatedNamesTheSetting() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");

        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayUnderTest.start(null, "STREAMGATE_DATA_DIR", file.resolve("data").toString()));

        assertTrue(e.getMessage().startsWith("STREAMGATE_DATA_DIR: cannot open the conversation store in "),
                e.getMessage());
    }

    @Test
    void anUnreachableDatabaseIsOneLineNamingTheSettingButNeverThePassword() throws Exception {
        Exit exit = runMain(Map.of("STREAMGATE_DATABASE_URL",
                "postgresql://gate:s3cret-pw@127.0.0.1:" + freePort() + "/history",
                "STREAMGATE_DATABASE_CONNECT_TIMEOUT_MS", "500"));

        assertEquals(1, exit.stderr().size(), exit.stderr().toString());
        assertTrue(exit.stderr().getFirst().startsWith("streamgate: STREAMGATE_DATABASE_URL: cannot connect to "
                + "postgresql://gate@127.0.0.1:"), exit.stderr().getFirst());
        assertFalse(exit.stderr().getFirst().contains("s3cret-pw"), exit.stderr().getFirst());
        assertEquals(Main.EXIT_CONFIG, exit.status());
    }

    @Test
    void aMalformedDatabaseUrlNamesTheSettingButNeverThePassword() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayUnderTest.start(null,
                "STREAMGATE_DATABASE_URL", "postgresql://gate:s3cret-pw@db:port/history"));

        assertTrue(e.getMessage().startsWith("STREAMGATE_DATABASE_URL: "), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
    }

    @Test
    void aMissingOrCertificateLessCaFileNamesTheSetting() throws IOException {
        Path missing = dir.resolve("missing-ca.pem");
        Path noCertificate = Files.writeString(dir.resolve("key.pem"),
                "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");

        for (Path file : List.of(missing, noCertificate)) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> GatewayUnderTest.start("https://localhost:1/v1", "STREAMGATE_UPSTREAM_CA_FILE", file.toString()));

            assertTrue(e.getMessage().startsWith("STREAMGATE_UPSTREAM_CA_FILE: cannot read CA certificates from "
                    + file.toAbsolutePath() + ": "), e.getMessage());
        }
    }

    @Test
    void anUnreadableCaFileIsOneLineAndANonZeroExit() throws Exception {
        Exit exit = runMain(Map.of("STREAMGATE_UPSTREAM_URL", "https://localhost:1/v1",
                "STREAMGATE_UPSTREAM_CA_FILE", dir.resolve("missing-ca.pem").toString()));

        assertEquals(1, exit.stderr().size(), exit.stderr().toString());
        assertTrue(exit.stderr().getFirst().startsWith("streamgate: STREAMGATE_UPSTREAM_CA_FILE: "), exit.stderr().getFirst());
        assertEquals(Main.EXIT_CONFIG, exit.status());
    }

    @Test
    void defaultToolsNamingAToolThatDoesNotExistNameTheSetting() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayUnderTest.start(null, "STREAMGATE_DEFAULT_TOOLS", "current_time,weather"));

        assertTrue(e.getMessage().startsWith("STREAMGATE_DEFAULT_TOOLS: unknown tool 'weather'"), e.getMessage());
    }

    private record Exit(int status, List<String> stderr) {}

    /**
     * Runs {@link Main} in a child JVM with the flags {@code make run} uses and only the given settings (none
     * inherited from this environment), ephemeral ports and a fresh data directory unless given.
     */
    private Exit runMain(Map<String, String> settings) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Files.readAllLines(Path.of("jvm.options")).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        Path stderr = dir.resolve("stderr-" + System.nanoTime());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("STREAMGATE_"));
        env.put("STREAMGATE_PORT", "0");
        env.put("STREAMGATE_METRICS_PORT", "0");
        env.put("STREAMGATE_DATA_DIR", dir.resolve("data").toString());
        env.putAll(settings);
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM exits");
            return new Exit(process.exitValue(), Files.readAllLines(stderr, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
