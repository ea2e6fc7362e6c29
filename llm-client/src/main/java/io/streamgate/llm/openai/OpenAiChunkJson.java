package io.streamgate.llm.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The {@code choices} of a Chat Completions stream chunk, as the gateway's OpenAI answers (simulator and drop-in)
 * write it.
 */
public final class OpenAiChunkJson {

    /** Writes the fields of a chunk's {@code delta} object. */
    @FunctionalInterface
    public interface Delta {
        void write(JsonGenerator g) throws IOException;
    }

    private OpenAiChunkJson() {}

    /** {@code choices: [{index: 0, delta: {…}, logprobs: null, finish_reason}]}; a null reason is written as null. */
    public static void writeChoices(JsonGenerator g, Delta delta, String finishReason) throws IOException {
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("delta");
        delta.write(g);
        g.writeEndObject();
        g.writeNullField("logprobs");
        if (finishReason == null) {
            g.writeNullField("finish_reason");
        } else {
            g.writeStringField("finish_reason", finishReason);
        }
        g.writeEndObject();
        g.writeEndArray();
    }
}
