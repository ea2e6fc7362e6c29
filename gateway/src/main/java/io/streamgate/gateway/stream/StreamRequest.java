package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.cache.CachePolicy;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ToolSpec;
import java.util.List;

/**
 * A client's {@code POST .../stream} body, validated.
 *
 * @param message the user's message, never blank
 * @param model a model override, or {@code null}
 * @param system a system prompt, or {@code null}
 * @param tools names of the tools the model is offered, or {@code null} for the gateway's defaults
 * @param maxTokens an output cap, or {@code null}
 * @param temperature a sampling temperature, or {@code null}
 * @param cache what the answer cache may do for it: the body's {@code cache} field with the request's
 *     {@code Cache-Control}
 */
public record StreamRequest(
        String message, String model, String system, List<String> tools, Integer maxTokens, Double temperature,
        CachePolicy cache) {

    public StreamRequest {
        requireNonNull(message, "message");
        tools = tools == null ? null : List.copyOf(tools);
        requireNonNull(cache, "cache");
    }

    public StreamRequest(
            String message, String model, String system, List<String> tools, Integer maxTokens, Double temperature) {
        this(message, model, system, tools, maxTokens, temperature, CachePolicy.DEFAULT);
    }

    /** The same request, with what its {@code Cache-Control} header (or {@code null}) adds to its cache policy. */
    public StreamRequest withCacheControl(String cacheControl) {
        CachePolicy header = CachePolicy.of(null, cacheControl);
        CachePolicy both = new CachePolicy(cache.lookup() && header.lookup(), cache.store() && header.store());
        return new StreamRequest(message, model, system, tools, maxTokens, temperature, both);
    }

    /** The provider settings of this request; the turn supplies the messages. */
    public ChatRequest toChatRequest(List<ToolSpec> toolSpecs) {
        return new ChatRequest(model, List.of(), maxTokens, temperature, toolSpecs);
    }
}
