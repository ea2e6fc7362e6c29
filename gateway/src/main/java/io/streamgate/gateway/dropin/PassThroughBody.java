package io.streamgate.gateway.dropin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.gateway.http.JsonResponses;
import io.streamgate.gateway.routing.Dialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The client's body as the provider gets it in the pass-through: every field as the client wrote it, except
 * {@code model} (the deployment's model name, when it has one), {@code stream} (always {@code true}: the gateway
 * reads every answer as a stream, and assembles the whole document itself for a client that did not ask for one),
 * for OpenAI, {@code stream_options.include_usage} (always {@code true}, for the gateway's accounting), and
 * {@code cache} (the gateway's own opt-out of its answer cache, which no provider knows), which is left out.
 */
final class PassThroughBody {

    private PassThroughBody() {}

    /** @param upstreamModel the deployment's model name, or {@code null} to keep the client's */
    static byte[] rewrite(DropInRequest request, String upstreamModel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(request.body().length + 64);
        // The body was read once already (DropInRequest.read): it is one well-formed object without duplicates.
        try (JsonParser p = Encoding.STRICT.createParser(request.body());
                JsonGenerator g = JsonResponses.JSON.createGenerator(out)) {
            p.nextToken();
            g.writeStartObject();
            boolean options = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model", "stream", "cache" -> p.skipChildren();
                    case "stream_options" -> {
                        if (request.dialect() == Dialect.OPENAI) {
                            options = true;
                            streamOptions(p, value, g);
                        } else {
                            g.writeFieldName(field);
                            g.copyCurrentStructure(p);
                        }
                    }
                    default -> {
                        g.writeFieldName(field);
                        g.copyCurrentStructure(p);
                    }
                }
            }
            g.writeStringField("model", upstreamModel != null ? upstreamModel : request.model());
            g.writeBooleanField("stream", true);
            if (request.dialect() == Dialect.OPENAI && !options) {
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", true);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory copy of a body already read: not expected
        }
        return out.toByteArray();
    }

    /** The client's {@code stream_options} with {@code include_usage: true}. */
    private static void streamOptions(JsonParser p, JsonToken value, JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("stream_options");
        if (value == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (p.currentName().equals("include_usage")) {
                    p.nextToken();
                    p.skipChildren();
                } else {
                    g.copyCurrentStructure(p); // the field's name and value
                }
            }
        }
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
    }
}
