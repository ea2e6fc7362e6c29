package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The top-level string fields of a tool's arguments object, with errors phrased for the model.
 *
 * <p>Models get argument types wrong often enough that a precise message ("\"timezone\" must be a string")
 * is what lets them retry correctly.
 */
public final class ToolArguments {

    private final Map<String, JsonToken> types;
    private final Map<String, String> strings;

    private ToolArguments(Map<String, JsonToken> types, Map<String, String> strings) {
        this.types = types;
        this.strings = strings;
    }

    /** @throws ToolException when {@code json} is not one JSON object */
    public static ToolArguments parse(String json) throws ToolException {
        requireNonNull(json, "json");
        Map<String, JsonToken> types = new HashMap<>();
        Map<String, String> strings = new HashMap<>();
        try (JsonParser p = JsonText.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ToolException("the arguments must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                types.put(name, value);
                if (value == JsonToken.VALUE_STRING) {
                    strings.put(name, p.getText());
                }
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                throw new ToolException("unexpected content after the arguments object");
            }
        } catch (IOException e) {
            throw new ToolException("the arguments are not valid JSON");
        }
        return new ToolArguments(types, strings);
    }

    /** The string field {@code name}; empty when absent or null. */
    public Optional<String> optionalString(String name) throws ToolException {
        JsonToken type = types.get(name);
        if (type == null || type == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (type != JsonToken.VALUE_STRING) {
            throw new ToolException("\"" + name + "\" must be a string");
        }
        return Optional.of(strings.get(name));
    }

    /** The string field {@code name}, which must be present. */
    public String requiredString(String name) throws ToolException {
        return optionalString(name).orElseThrow(() -> new ToolException("\"" + name + "\" is required"));
    }
}
