package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.streamgate.llm.ToolSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * {@code current_time}: the current date and time in an IANA time zone (UTC by default).
 *
 * <p>Models do not know what time it is; this is the smallest useful tool, and the demo the simulator calls.
 */
public final class CurrentTimeTool implements Tool {

    public static final String NAME = "current_time";

    private static final ToolSpec SPEC = new ToolSpec(
            NAME,
            "Returns the current date and time in the given IANA time zone (for example Europe/Paris); UTC if none.",
            """
            {"type":"object","properties":{"timezone":{"type":"string",\
            "description":"IANA time zone such as Europe/Paris or America/New_York; defaults to UTC"}},\
            "additionalProperties":false}""");

    private final Clock clock;

    /** On the system clock. */
    public CurrentTimeTool() {
        this(Clock.systemUTC());
    }

    public CurrentTimeTool(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public ToolSpec spec() {
        return SPEC;
    }

    @Override
    public String call(String argumentsJson) throws ToolException {
        String zoneName = ToolArguments.parse(argumentsJson).optionalString("timezone").orElse("UTC").strip();
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneName);
        } catch (DateTimeException e) {
            throw new ToolException("unknown time zone '" + zoneName + "'; use an IANA name such as Europe/Paris");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        ZonedDateTime local = now.atZone(zone);
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JsonText.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timezone", zone.getId());
            g.writeStringField("iso_time", local.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            g.writeNumberField("unix_seconds", now.getEpochSecond());
            g.writeStringField("day_of_week", local.getDayOfWeek().name());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
