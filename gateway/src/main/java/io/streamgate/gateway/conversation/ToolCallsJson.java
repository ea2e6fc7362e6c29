package io.streamgate.gateway.conversation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tool_calls_json} column: {@code [{"id":..,"name":..,"arguments":"<text>"}]}.
 *
 * <p>Arguments are stored as a string, not as nested JSON, so that they come back byte for byte as the model
 * wrote them, even when the model wrote invalid JSON; the provider is replayed exactly what it sent.
 */
final class ToolCallsJson {

    private static final JsonFactory JSON = new JsonFactory();

    private ToolCallsJson() {}

    /** The column value; null for no calls. */
    static String write(List<ToolCall> calls) {
        if (calls.isEmpty()) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (ToolCall call : calls) {
                g.writeStartObject();
                g.writeStringField("id", call.id());
                g.writeStringField("name", call.name());
                g.writeStringField("arguments", call.argumentsJson());
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static List<ToolCall> read(String column) {
        if (column == null) {
            return List.of();
        }
        List<ToolCall> calls = new ArrayList<>();
        try (JsonParser p = JSON.createParser(column)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String id = null, name = null, arguments = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    switch (field) {
                        case "id" -> id = p.getText();
                        case "name" -> name = p.getText();
                        case "arguments" -> arguments = p.getText();
                        default -> p.skipChildren();
                    }
                }
                if (id == null || name == null || arguments == null) {
                    throw new IOException("a tool call lacks its id, name or arguments");
                }
                calls.add(new ToolCall(id, name, arguments));
            }
        } catch (IOException e) {
            throw new ConversationStoreException("a stored tool_calls_json value is malformed", e);
        }
        return calls;
    }

    private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
        if (actual != wanted) {
            throw new IOException("expected " + wanted + ", found " + actual);
        }
    }
}
