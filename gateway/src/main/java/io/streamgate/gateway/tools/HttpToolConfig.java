package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.gateway.config.ConfigException;
import io.streamgate.llm.ToolSpec;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP tool as declared in the file named by {@code STREAMGATE_HTTP_TOOLS_FILE}:
 * <pre>[{"name": "weather", "description": "...", "parameters": {JSON Schema}, "url": "https://..."}]</pre>
 *
 * <p>Parsing is strict (unknown fields, a missing field or a non-http URL fail) because a typo in this file
 * should stop the gateway at start, not surface later as a tool the model cannot use.
 *
 * @param parametersSchema the JSON Schema object of the arguments, as JSON text
 */
public record HttpToolConfig(String name, String description, String parametersSchema, URI url) {

    public HttpToolConfig {
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        requireNonNull(parametersSchema, "parametersSchema");
        requireNonNull(url, "url");
    }

    /** How the model sees this tool. */
    public ToolSpec spec() {
        return new ToolSpec(name, description, parametersSchema);
    }

    /** The URL's host, lower-cased, as the allowlist compares it. */
    public String host() {
        return url.getHost().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a JSON array of tool declarations.
     *
     * @throws ConfigException naming the entry and field at fault
     */
    public static List<HttpToolConfig> parse(String json) {
        requireNonNull(json, "json");
        List<HttpToolConfig> tools = new ArrayList<>();
        try (JsonParser p = JsonText.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new ConfigException("the HTTP tools file must hold a JSON array of tool objects");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new ConfigException("HTTP tool #" + (tools.size() + 1) + " must be a JSON object");
                }
                tools.add(entry(p, tools.size() + 1));
            }
            if (p.nextToken() != null) {
                throw new ConfigException("unexpected content after the HTTP tools array");
            }
        } catch (JsonProcessingException e) {
            throw new ConfigException("the HTTP tools file is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(tools);
    }

    private static HttpToolConfig entry(JsonParser p, int index) throws IOException {
        String name = null, description = null, parameters = null, url = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "name" -> name = text(p, value, index, field);
                case "description" -> description = text(p, value, index, field);
                case "url" -> url = text(p, value, index, field);
                case "parameters" -> parameters = object(p, value, index);
                default -> throw new ConfigException("HTTP tool #" + index + " has an unknown field '" + field + "'");
            }
        }
        String label = "HTTP tool #" + index + (name == null ? "" : " ('" + name + "')");
        if (name == null || description == null || url == null) {
            throw new ConfigException(label + " needs \"name\", \"description\" and \"url\"");
        }
        if (parameters == null) {
            parameters = "{\"type\":\"object\",\"properties\":{}}";
        }
        return new HttpToolConfig(name, description, parameters, uri(url, label));
    }

    private static String text(JsonParser p, JsonToken value, int index, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING || p.getText().isBlank()) {
            throw new ConfigException("HTTP tool #" + index + ": \"" + field + "\" must be a non-empty string");
        }
        return p.getText().strip();
    }

    private static String object(JsonParser p, JsonToken value, int index) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw new ConfigException("HTTP tool #" + index + ": \"parameters\" must be a JSON Schema object");
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JsonText.FACTORY.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    private static URI uri(String url, String label) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(label + ": \"url\" is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getUserInfo() != null) {
            throw new ConfigException(label + ": \"url\" must be an http or https URL with a host and no user info");
        }
        return uri;
    }
}
