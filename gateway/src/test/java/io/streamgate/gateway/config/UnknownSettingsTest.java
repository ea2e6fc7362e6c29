package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A misspelt setting is not ignored in silence: it is logged with the closest real name. The real names are the ones
 * {@link GatewayConfig} reads, so a setting added there is known without any list to update.
 */
class UnknownSettingsTest {

    /** What {@code read} logs (slf4j-simple looks up {@code System.err} on every line). */
    private static String logOf(Supplier<?> read) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            read.get();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMisspeltVariableIsNamedWithTheClosestSetting() {
        String log = logOf(() -> GatewayConfig.from(Map.of("STREAMGATE_PROT", "9000", "STREAMGATE_UPSTREAM_URI", "x")));

        assertTrue(log.contains("STREAMGATE_PROT is not a setting and is ignored (did you mean STREAMGATE_PORT?)"), log);
        assertTrue(log.contains("STREAMGATE_UPSTREAM_URI is not a setting and is ignored "
                + "(did you mean STREAMGATE_UPSTREAM_URL?)"), log);
        assertFalse(log.contains("9000"), "values are never logged: they may be keys");
    }

    @Test
    void theDatabaseSettingsAreKnownEvenWithoutADatabaseAndAMisspeltUrlIsNamed() {
        String log = logOf(() -> GatewayConfig.from(Map.of(
                "STREAMGATE_DATABASE_POOL_SIZE", "4",
                "STREAMGATE_DATABASE_CONNECT_TIMEOUT_MS", "1000",
                "STREAMGATE_STORE_OUTBOX_MB", "8",
                "STREAMGATE_DATABSE_URL", "postgresql://u:s3cret@db/x")));

        assertEquals(1, log.lines().count(), log);
        assertTrue(log.contains("STREAMGATE_DATABSE_URL is not a setting and is ignored "
                + "(did you mean STREAMGATE_DATABASE_URL?)"), log);
        assertFalse(log.contains("s3cret"), log);
    }

    @Test
    void everySettingTheConfigReadsIsKnownIncludingTheLastOnesInTheRecord() {
        String log = logOf(() -> GatewayConfig.from(Map.of(
                "STREAMGATE_PORT", "0",
                "STREAMGATE_CONFIG", "",
                "STREAMGATE_REUSE_PORT", "true",
                "STREAMGATE_UPSTREAM_HTTP2", "true",
                "STREAMGATE_RESUME_GRACE_MS", "10",
                "STREAMGATE_TOOL_ALLOWED_HOSTS", "example.com")));

        assertEquals("", log);
    }

    @Test
    void bothNamesOfTheRequestTimeoutAreKnownWhenBothAreGiven() {
        String log = logOf(() -> GatewayConfig.from(Map.of(
                "STREAMGATE_REQUEST_TIMEOUT_MS", "400",
                "STREAMGATE_HEADER_TIMEOUT_MS", "300",
                "STREAMGATE_METRICS_BIND_ADDRESS", "127.0.0.1")));

        assertEquals("", log);
    }

    @Test
    void aPropertiesFileKeyIsCheckedToo(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("gateway.properties"), "STREAMGATE_MAX_STEP=4\nport=1\n");

        String log = logOf(() -> GatewayConfig.from(Map.of("STREAMGATE_CONFIG", file.toString())));

        assertTrue(log.contains("STREAMGATE_MAX_STEP is not a setting and is ignored "
                + "(did you mean STREAMGATE_MAX_STEPS?)"), log);
        assertTrue(log.contains("port is not a setting and is ignored (did you mean STREAMGATE_PORT?)"), log);
    }

    @Test
    void aNameFarFromEverySettingGetsNoGuess() {
        assertEquals("", SettingNames.suggestion("STREAMGATE_COMPLETELY_DIFFERENT_THING", Set.of("STREAMGATE_PORT")));
        assertEquals(" (did you mean STREAMGATE_API_KEYS?)",
                SettingNames.suggestion("STREAMGATE_APIKEYS", Set.of("STREAMGATE_PORT", "STREAMGATE_API_KEYS")));
        assertEquals("", SettingNames.suggestion("STREAMGATE_" + "X".repeat(10_000), Set.of("STREAMGATE_PORT")));
    }

    @Test
    void swappedNeighboursCountAsOneEdit() {
        assertEquals(1, SettingNames.distance("PROT", "PORT"));
        assertEquals(1, SettingNames.distance("PORT", "PORTS"));
        assertEquals(0, SettingNames.distance("PORT", "PORT"));
        assertEquals(4, SettingNames.distance("", "PORT"));
    }

    @Test
    void controlCharactersInAFileKeyCannotForgeALogLine() {
        assertEquals("A?B", SettingNames.printable("A\nB"));
    }

    @Test
    void anUnreadablePropertiesFileNamesTheSetting(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayConfig.from(Map.of("STREAMGATE_CONFIG", dir.resolve("nope").toString())));

        assertTrue(e.getMessage().startsWith("STREAMGATE_CONFIG: cannot read the properties file "), e.getMessage());
    }

    @Test
    void anthropicWithoutAModelNamesBothSettings() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.from(Map.of(
                "STREAMGATE_UPSTREAM_KIND", "anthropic", "STREAMGATE_UPSTREAM_URL", "https://api.anthropic.com/v1")));

        assertTrue(e.getMessage().contains("STREAMGATE_MODEL") && e.getMessage().contains("STREAMGATE_UPSTREAM_KIND"),
                e.getMessage());
        GatewayConfig withModel = GatewayConfig.from(Map.of("STREAMGATE_UPSTREAM_KIND", "anthropic",
                "STREAMGATE_MODEL", "claude-sonnet-4-5"));
        assertEquals(List.of("anthropic", "claude-sonnet-4-5"), List.of(withModel.provider().kind(), withModel.model()));
    }
}
