package io.streamgate.gateway.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which of the gateway's built-in tools a user message calls for, the way a model would,
 * but by fixed rules so that demos and tests always see the same calls.
 *
 * <p>The rules are deliberately plain: a message that mentions the time or a clock calls
 * {@code current_time} (with an IANA zone if one is named, else UTC); a message with an
 * arithmetic expression calls {@code calculator} with it; both at once call both, in parallel.
 * A tool is only called when the request offers it, as a real model only calls offered tools.
 */
final class DemoTools {

    static final String CURRENT_TIME = "current_time";
    static final String CALCULATOR = "calculator";

    private static final Pattern MENTIONS_TIME = Pattern.compile("(?i)\\b(?:time|clock)\\b");
    /** Numbers joined by at least one operator, parentheses allowed: "2 + 3 * 4", "(1.5+2)^2". */
    private static final Pattern EXPRESSION = Pattern.compile(
            "[(\\s]*\\d+(?:\\.\\d+)?[)\\s]*(?:[-+*/^][(\\s]*\\d+(?:\\.\\d+)?[)\\s]*)+");
    private static final Pattern ZONE_NAME = Pattern.compile("\\b[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_+-]+)+");
    private static final Pattern ASKS_TO_THINK = Pattern.compile("(?i)\\bthink");

    private final JsonFactory json;

    DemoTools(JsonFactory json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /**
     * One call the simulated model makes.
     *
     * @param name the tool's name
     * @param arguments the arguments as JSON text, as the model would write them
     */
    record Call(String name, String arguments) {}

    /** The calls {@code userText} asks for among the {@code offered} tools, in index order; often none. */
    List<Call> callsFor(String userText, Set<String> offered) {
        List<Call> calls = new ArrayList<>(2);
        if (offered.contains(CURRENT_TIME) && MENTIONS_TIME.matcher(userText).find()) {
            calls.add(new Call(CURRENT_TIME, object("timezone", zoneIn(userText))));
        }
        Matcher expression = EXPRESSION.matcher(userText);
        if (offered.contains(CALCULATOR) && expression.find()) {
            calls.add(new Call(CALCULATOR, object("expression", expression.group().strip())));
        }
        return calls;
    }

    /** Whether the user asks the model to think first, which shows the reasoning stream. */
    static boolean asksToThink(String userText) {
        return ASKS_TO_THINK.matcher(userText).find();
    }

    /** The first real IANA zone named in the text ("in Europe/Paris"), else UTC. */
    private static String zoneIn(String text) {
        Set<String> zones = ZoneId.getAvailableZoneIds();
        for (Matcher m = ZONE_NAME.matcher(text); m.find(); ) {
            if (zones.contains(m.group())) {
                return m.group();
            }
        }
        return "UTC";
    }

    private String object(String field, String value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField(field, value);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return out.toString();
    }
}
