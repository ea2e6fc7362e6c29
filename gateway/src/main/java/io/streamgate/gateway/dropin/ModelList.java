package io.streamgate.gateway.dropin;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamgate.gateway.http.JsonResponses;
import io.streamgate.gateway.routing.Dialect;
import java.util.List;

/**
 * {@code GET /v1/models}: the model names and aliases the routes serve, as OpenAI's {@code list} of {@code model}
 * objects or, for a client that sends {@code anthropic-version}, as Anthropic's page of {@code model} objects.
 */
final class ModelList {

    private static final String EPOCH = "1970-01-01T00:00:00Z";

    private ModelList() {}

    static FullHttpResponse response(ByteBufAllocator alloc, List<String> models, Dialect dialect) {
        return JsonResponses.json(alloc, HttpResponseStatus.OK, g -> {
            g.writeStartObject();
            if (dialect == Dialect.OPENAI) {
                g.writeStringField("object", "list");
            }
            g.writeArrayFieldStart("data");
            for (String model : models) {
                g.writeStartObject();
                if (dialect == Dialect.ANTHROPIC) {
                    g.writeStringField("type", "model");
                    g.writeStringField("id", model);
                    g.writeStringField("display_name", model);
                    g.writeStringField("created_at", EPOCH);
                } else {
                    g.writeStringField("id", model);
                    g.writeStringField("object", "model");
                    g.writeNumberField("created", 0);
                    g.writeStringField("owned_by", "streamgate");
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (dialect == Dialect.ANTHROPIC) {
                g.writeBooleanField("has_more", false);
                if (models.isEmpty()) {
                    g.writeNullField("first_id");
                    g.writeNullField("last_id");
                } else {
                    g.writeStringField("first_id", models.getFirst());
                    g.writeStringField("last_id", models.getLast());
                }
            }
            g.writeEndObject();
        });
    }
}
