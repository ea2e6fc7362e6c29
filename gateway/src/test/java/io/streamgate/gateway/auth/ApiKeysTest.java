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

    @Test
    void aBareKeyIsRefusedWithBothExpectedFormsAndWithoutBeingEchoed() {
        ConfigException e = assertThrows(ConfigException.class, () -> ApiKeys.parse("justakey"));

        assertTrue(e.getMessage().startsWith("STREAMGATE_API_KEYS: "), e.getMessage());
        assertTrue(e.getMessage().contains("tenant:key pairs"), e.getMessage());
        assertTrue(e.getMessage().contains("file of tenant:sha256hex lines"), e.getMessage());
        assertFalse(e.getMessage().contains("justakey"), "the value may be a key: " + e.getMessage());
        assertFalse(e.getMessage().contains("cannot read"), "it is not treated as a file: " + e.getMessage());
    }

    @Test
    void aPairWithoutAKeyShowsTheExpectedForm() {
        ConfigException e = assertThrows(ConfigException.class, () -> ApiKeys.parse("acme:k1,globex"));

        assertTrue(e.getMessage().contains("e.g. STREAMGATE_API_KEYS=team-a:key1,team-b:key2"), e.getMessage());
    }

    @Test
    void aKeyIsTakenFromBearerOrElseFromXApiKey() {
        ApiKeys keys = ApiKeys.parse("acme:key-acme");
        assertEquals(java.util.Optional.of("acme"), keys.tenantOf("Bearer key-acme", null));
        assertEquals(java.util.Optional.of("acme"), keys.tenantOf(null, " key-acme "));
        assertEquals(java.util.Optional.empty(), keys.tenantOf("Bearer wrong", "key-acme"), "Authorization decides alone");
        assertEquals(java.util.Optional.empty(), keys.tenantOf(null, ""));
        assertEquals(java.util.Optional.empty(), keys.tenantOf(null, null));
    }
}
