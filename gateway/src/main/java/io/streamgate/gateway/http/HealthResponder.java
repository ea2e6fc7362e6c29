package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code /healthz} and {@code /readyz}: the process is up and which upstream it talks to. The page reads
 * {@code simulated} to tell users plainly that answers are synthetic.
 *
 * @param upstream {@code simulator}, or the provider's name
 * @param simulated whether the built-in simulator is the upstream
 * @param model the default model, or {@code null}
 */
public record HealthResponder(String upstream, boolean simulated, String model) {

    public HealthResponder {
        requireNonNull(upstream, "upstream");
    }

    FullHttpResponse respond(ByteBufAllocator alloc) {
        return JsonResponses.json(alloc, HttpResponseStatus.OK, json -> {
            json.writeStartObject();
            json.writeStringField("status", "ok");
            json.writeStringField("upstream", upstream);
            json.writeBooleanField("simulated", simulated);
            json.writeStringField("model", model);
            json.writeEndObject();
        });
    }
}
