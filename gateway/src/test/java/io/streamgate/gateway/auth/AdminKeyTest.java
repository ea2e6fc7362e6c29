package io.streamgate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.ConfigException;
import org.junit.jupiter.api.Test;

class AdminKeyTest {

    private static final String KEY = "admin-key-0123456789";

    @Test
    void matchesOnlyItsOwnBearerToken() {
        AdminKey admin = AdminKey.parse(KEY, ApiKeys.none());
        assertTrue(admin.configured());
        assertTrue(admin.matches("Bearer " + KEY));
        assertTrue(admin.matches("bearer   " + KEY + " "));
        assertFalse(admin.matches(null));
        assertFalse(admin.matches(KEY), "a bearer token only");
        assertFalse(admin.matches("Basic " + KEY));
        assertFalse(admin.matches("Bearer " + KEY + "0"));
        assertFalse(admin.matches("Bearer " + KEY.substring(1)));
        assertFalse(admin.matches("Bearer "));
    }

    @Test
    void noneMatchesNothing() {
        for (String unset : new String[] {null, "", "   "}) {
            AdminKey none = AdminKey.parse(unset, ApiKeys.none());
            assertFalse(none.configured());
            assertFalse(none.matches("Bearer "));
            assertFalse(none.matches("Bearer " + unset));
        }
    }

    @Test
    void aShortKeyOrATenantsKeyIsRefusedWithoutEchoingIt() {
        ConfigException shortKey = assertThrows(ConfigException.class,
                () -> AdminKey.parse("short-secret", ApiKeys.none()));
        assertFalse(shortKey.getMessage().contains("short-secret"));
        ConfigException shared = assertThrows(ConfigException.class,
                () -> AdminKey.parse(KEY, ApiKeys.parse("acme:" + KEY)));
        assertFalse(shared.getMessage().contains(KEY));
        assertTrue(shared.getMessage().contains("STREAMGATE_ADMIN_KEY"));
    }
}
