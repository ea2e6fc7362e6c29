package io.streamgate.gateway.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Turns the tool results handed back to the simulated model into its final answer, one sentence
 * per result: "(simulated) The current time in UTC is 2026-….", "(simulated) 2 + 3 * 4 = 14.",
 * or "The calculator tool failed: …" when a result carries an {@code error}.
 *
 * <p>The answer quotes the results, so a reader (and a test) can see that they made the round trip
 * through the gateway's agent loop and back to the model.
 */
final class ToolResultsText {

    private final JsonFactory json;

    ToolResultsText(JsonFactory json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** The answer to a conversation that ends with {@code results}. */
    String answer(List<SimRequest.ToolResult> results) {
        StringJoiner text = new StringJoiner(" ", SimulatedText.MARKER + " ", "");
        for (SimRequest.ToolResult r : results) {
            text.add(sentence(r));
        }
        return text.toString();
    }

    private String sentence(SimRequest.ToolResult r) {
        String tool = r.toolName().isEmpty() ? "requested" : r.toolName();
        Map<String, String> fields = fields(r.content());
        if (fields == null) {
            return "The " + tool + " tool returned: " + r.content().strip() + ".";
        }
        if (fields.get("error") != null) {
            return "The " + tool + " tool failed: " + fields.get("error") + ".";
        }
        return switch (r.toolName()) {
            case DemoTools.CURRENT_TIME -> "The current time in " + fields.getOrDefault("timezone", "UTC")
                    + " is " + fields.getOrDefault("iso_time", "unknown") + ".";
            case DemoTools.CALCULATOR -> fields.getOrDefault("expression", "the expression")
                    + " = " + fields.getOrDefault("result", "unknown") + ".";
            default -> "The " + tool + " tool returned: " + r.content().strip() + ".";
        };
    }

    /**
     * The top-level fields of a JSON object, scalars as their text, JSON null as null and nested
     * values as compact JSON; null when the content is not a JSON object (a tool may return plain text).
     */
    private Map<String, String> fields(String content) {
        try (JsonParser p = json.createParser(content)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                fields.put(name, v == JsonToken.VALUE_NULL ? null : v.isScalarValue() ? p.getText() : compact(p));
            }
            return fields;
        } catch (IOException e) {
            return null;
        }
    }

    private String compact(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = json.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }
}
