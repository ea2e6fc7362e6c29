package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code STREAMGATE_DATABASE_URL} in both its forms, its companions, and a password that is never shown. */
class DatabaseSettingsTest {

    @Test
    void unsetMeansTheEmbeddedStore() {
        assertNull(GatewayConfig.defaults().conversations().database());
    }

    @Test
    void aLibpqUrlGivesTheDriverItsUrlAndTheCredentialsApart() {
        GatewayConfig.DatabaseSettings db = GatewayConfig.from(Map.of("STREAMGATE_DATABASE_URL",
                "postgresql://gate:p%40ss%3Aw0rd@db.internal:6432/history?sslmode=require")).conversations().database();

        assertEquals("jdbc:postgresql://db.internal:6432/history?sslmode=require", db.url().jdbcUrl());
        assertEquals("gate", db.url().user());
        assertEquals("p@ss:w0rd", db.url().password());
        assertEquals("postgresql://gate@db.internal:6432/history", db.url().display());
        assertEquals(8, db.poolSize());
        assertEquals(Duration.ofSeconds(2), db.connectTimeout());
        assertEquals(64L << 20, db.outboxBytes());
    }

    @Test
    void aJdbcUrlKeepsItsParametersButNotItsCredentials() {
        DatabaseUrl url = DatabaseUrl.parse(
                "jdbc:postgresql://a:5432,b:5433/history?user=gate&password=hunter2&targetServerType=primary");

        assertEquals("jdbc:postgresql://a:5432,b:5433/history?targetServerType=primary", url.jdbcUrl());
        assertEquals("gate", url.user());
        assertEquals("hunter2", url.password());
        assertEquals("postgresql://gate@a:5432,b:5433/history", url.display());
        assertFalse(url.toString().contains("hunter2"));
    }

    @Test
    void thePostgresSchemeAndADefaultPortAreAccepted() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://localhost/streamgate");
        assertEquals("jdbc:postgresql://localhost/streamgate", url.jdbcUrl());
        assertNull(url.user());
        assertNull(url.password());
        assertEquals("postgresql://localhost:5432/streamgate", url.display());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql://root:s3cret@db/x", "s3cret", "postgresql://", "postgresql://u:s3cret@host:notaport/db",
            "jdbc:postgresql://u:s3cret@host:99999999/db"})
    void aBadUrlStopsTheStartNamingTheSettingButNotThePassword(String bad) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> GatewayConfig.from(Map.of("STREAMGATE_DATABASE_URL", bad)));
        assertTrue(e.getMessage().startsWith("STREAMGATE_DATABASE_URL: "), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void thePoolSizeAndTimeoutsAreBounded() {
        String url = "postgresql://localhost/x";
        GatewayConfig.DatabaseSettings db = GatewayConfig.from(Map.of("STREAMGATE_DATABASE_URL", url,
                "STREAMGATE_DATABASE_POOL_SIZE", "3", "STREAMGATE_DATABASE_CONNECT_TIMEOUT_MS", "500",
                "STREAMGATE_STORE_OUTBOX_MB", "1")).conversations().database();
        assertEquals(3, db.poolSize());
        assertEquals(Duration.ofMillis(500), db.connectTimeout());
        assertEquals(1L << 20, db.outboxBytes());
        String[][] outOfBounds = {{"STREAMGATE_DATABASE_POOL_SIZE", "0"}, {"STREAMGATE_DATABASE_POOL_SIZE", "257"},
                {"STREAMGATE_DATABASE_CONNECT_TIMEOUT_MS", "100"}, {"STREAMGATE_STORE_OUTBOX_MB", "0"}};
        for (String[] bad : outOfBounds) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> GatewayConfig.from(Map.of("STREAMGATE_DATABASE_URL", url, bad[0], bad[1])));
            assertTrue(e.getMessage().startsWith(bad[0]), e.getMessage());
        }
    }
}
