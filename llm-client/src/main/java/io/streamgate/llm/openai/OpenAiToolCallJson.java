package io.streamgate.llm.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The Chat Completions wire shape of a tool call, written by the request writer and by the gateway's OpenAI
 * answers (simulator and drop-in), so that the shape lives in one place.
 */
public final class OpenAiToolCallJson {

    private OpenAiToolCallJson() {}

    /** One whole call: {@code {id, type: "function", function: {name, arguments}}}. */
    public static void writeCall(JsonGenerator g, String id, String name, String argumentsJson) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", name);
        g.writeStringField("arguments", argumentsJson);
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * The field {@code tool_calls: [{index, id?, type?, function: {name?, arguments}}]} of a streamed delta: the
     * first delta of a call carries its id, type and name (non-null), the later ones only the next arguments
     * fragment (id and name null).
     */
    public static void writeDelta(JsonGenerator g, int index, String id, String name, String arguments)
            throws IOException {
        g.writeArrayFieldStart("tool_calls");
        g.writeStartObject();
        g.writeNumberField("index", index);
        if (id != null) {
            g.writeStringField("id", id);
            g.writeStringField("type", "function");
        }
        g.writeObjectFieldStart("function");
        if (name != null) {
            g.writeStringField("name", name);
        }
        g.writeStringField("arguments", arguments);
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
    }
}
