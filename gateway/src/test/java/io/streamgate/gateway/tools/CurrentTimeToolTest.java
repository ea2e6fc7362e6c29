package io.streamgate.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CurrentTimeToolTest {

    private static final Instant NOW = Instant.parse("2026-07-14T10:15:30.750Z");
    private final CurrentTimeTool tool = new CurrentTimeTool(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void defaultsToUtc() throws ToolException {
        assertEquals("{\"timezone\":\"UTC\",\"iso_time\":\"2026-07-14T10:15:30Z\",\"unix_seconds\":"
                + NOW.getEpochSecond() + ",\"day_of_week\":\"TUESDAY\"}", tool.call("{}"));
    }

    @Test
    void answersInTheGivenZoneWithItsSummerOffset() throws ToolException {
        assertEquals("{\"timezone\":\"Europe/Paris\",\"iso_time\":\"2026-07-14T12:15:30+02:00\",\"unix_seconds\":"
                + NOW.getEpochSecond() + ",\"day_of_week\":\"TUESDAY\"}", tool.call("{\"timezone\":\"Europe/Paris\"}"));
        assertEquals("2026-07-14T06:15:30-04:00",
                io.streamgate.gateway.testing.Json.string(tool.call("{\"timezone\":\"America/New_York\"}"), "iso_time"));
        assertEquals("2026-07-15T00:15:30+14:00",
                io.streamgate.gateway.testing.Json.string(tool.call("{\"timezone\":\"Pacific/Kiritimati\"}"), "iso_time"));
    }

    @Test
    void rejectsAnUnknownZone() {
        assertEquals("unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Paris",
                assertThrows(ToolException.class, () -> tool.call("{\"timezone\":\"Mars/Olympus\"}")).getMessage());
        assertThrows(ToolException.class, () -> tool.call("{\"timezone\":7}"));
    }
}
