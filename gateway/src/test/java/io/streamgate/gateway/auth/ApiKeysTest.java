package io.streamgate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    @Test
    void pairsMapKeysToTenants() {
        ApiKeys keys = ApiKeys.parse("acme:k1, globex:k2");
        assertTrue(keys.enabled());
        assertEquals(Optional.of("acme"), keys.tenantOf("k1"));
        assertEquals(Optional.of("globex"), keys.tenantOf("k2"));
        assertEquals(Optional.empty(), keys.tenantOf("k3"));
        assertEquals(Optional.empty(), keys.tenantOf(""));
    }

    @Test
    void fileOfHashesMapsKeysToTenants(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# tenants\nacme:" + HexFormat.of().formatHex(ApiKeys.sha256("secret")) + "\n\n");
        ApiKeys keys = ApiKeys.parse(file.toString());
        assertEquals(Optional.of("acme"), keys.tenantOf("secret"));
        assertEquals(Optional.empty(), keys.tenantOf("secret2"));
    }

    @Test
    void unsetMeansNoAuthentication() {
        assertFalse(ApiKeys.parse(null).enabled());
        assertFalse(ApiKeys.parse(" ").enabled());
    }

    @Test
    void malformedSettingsFailAtStart(@TempDir Path dir) throws Exception {
        assertThrows(ConfigException.class, () -> ApiKeys.parse("acme:"));
        assertThrows(ConfigException.class, () -> ApiKeys.parse("bad tenant:key"));
        Path file = dir.resolve("keys");
        Files.writeString(file, "acme:not-a-hash\n");
        assertThrows(ConfigException.class, () -> ApiKeys.parse(file.toString()));
        assertThrows(ConfigException.class, () -> ApiKeys.parse(dir.resolve("missing").toString()));
    }
}
