package io.streamgate.gateway.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {

    @Test
    void defaults() {
        assertEquals(new SimulatorSettings(Duration.ofMillis(50), Duration.ofMillis(20), 60, 0), SimulatorSettings.defaults());
    }

    @Test
    void rejectsOutOfRangeValues() {
        Duration ms = Duration.ofMillis(1);
        assertThrows(NullPointerException.class, () -> new SimulatorSettings(null, ms, 1, 0));
        assertThrows(NullPointerException.class, () -> new SimulatorSettings(ms, null, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SimulatorSettings(ms.negated(), ms, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SimulatorSettings(ms, ms.negated(), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SimulatorSettings(ms, ms, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SimulatorSettings(ms, ms, 100_001, 0));
        assertThrows(IllegalArgumentException.class, () -> new SimulatorSettings(ms, ms, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new SimulatorSettings(ms, ms, 1, 65_536));
        assertEquals(100_000, new SimulatorSettings(Duration.ZERO, Duration.ZERO, 100_000, 0).tokens());
    }

    @Test
    void aTakenPortFailsCleanly() {
        try (Simulator first = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, 1, 0))) {
            int port = Integer.parseInt(first.baseUrl().replaceAll(".*:(\\d+)/v1$", "$1"));
            SimulatorSettings clash = new SimulatorSettings(Duration.ZERO, Duration.ZERO, 1, port);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Simulator.start(clash));
            assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
        }
    }

    @Test
    void closeIsIdempotent() {
        Simulator sim = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, 1, 0));
        sim.close();
        sim.close();
    }

    @Test
    void startRejectsNull() {
        assertThrows(NullPointerException.class, () -> Simulator.start(null));
    }
}
