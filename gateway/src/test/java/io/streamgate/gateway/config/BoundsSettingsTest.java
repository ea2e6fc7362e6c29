package io.streamgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings that bound the store queue, history reads and resume followers. */
class BoundsSettingsTest {

    @Test
    void defaultsAndOverrides() {
        GatewayConfig defaults = GatewayConfig.defaults();
        assertEquals(256, defaults.conversations().storeQueue());
        assertEquals(2, defaults.conversations().tenantMaxReads());
        assertEquals(4, defaults.resume().maxFollowers());
        GatewayConfig set = GatewayConfig.from(Map.of("STREAMGATE_STORE_QUEUE", "10",
                "STREAMGATE_TENANT_MAX_READS", "3", "STREAMGATE_RESUME_MAX_FOLLOWERS", "0"));
        assertEquals(10, set.conversations().storeQueue());
        assertEquals(3, set.conversations().tenantMaxReads());
        assertEquals(0, set.resume().maxFollowers());
    }

    @Test
    void outOfRangeValuesNameTheirSetting() {
        for (String[] bad : new String[][] {{"STREAMGATE_STORE_QUEUE", "0"}, {"STREAMGATE_TENANT_MAX_READS", "0"},
                {"STREAMGATE_RESUME_MAX_FOLLOWERS", "-1"}, {"STREAMGATE_STORE_QUEUE", "lots"}}) {
            ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.from(Map.of(bad[0], bad[1])));
            assertTrue(e.getMessage().startsWith(bad[0]), e.getMessage());
        }
    }
}
