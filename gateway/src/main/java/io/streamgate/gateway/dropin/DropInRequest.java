package io.streamgate.gateway.dropin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.streamgate.gateway.cache.CachePolicy;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.llm.ChatRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A drop-in request as far as routing and relaying need it: the client's dialect, its top-level {@code model},
 * {@code stream} and (OpenAI) {@code stream_options.include_usage}, and the body itself, which is relayed (same
 * dialect) or translated ({@link #translated}) once the route is known.
 *
 * @param headers what is passed on to the provider: {@code anthropic-version} and {@code anthropic-beta}
 * @param cache what the answer cache may do for it: the gateway's own body field {@code cache} (never passed on) with
 *     the request's {@code Cache-Control}
 */
record DropInRequest(Dialect dialect, String model, boolean stream, boolean includeUsage, byte[] body,
        Map<String, String> headers, CachePolicy cache) {

    /** Provider headers a client may set, passed on unchanged in the pass-through. */
    private static final String[] PASSED_HEADERS = {"anthropic-version", "anthropic-beta"};
    private static final int MAX_MODEL_CHARS = 256;
    private static final int MAX_HEADER_CHARS = 1024;

    DropInRequest {
        requireNonNull(dialect, "dialect");
        requireNonNull(model, "model");
        requireNonNull(body, "body");
        headers = Map.copyOf(headers);
        requireNonNull(cache, "cache");
    }

    /**
     * Reads the top level of {@code body}, which must be one JSON object with a string {@code model}.
     *
     * @throws BadRequestException with a message for the client
     */
    static DropInRequest read(Dialect dialect, byte[] body, HttpHeaders httpHeaders) {
        String model = null;
        boolean stream = false;
        boolean includeUsage = false;
        Boolean cache = null;
        try (JsonParser p = Encoding.STRICT.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("the body must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> model = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "stream" -> stream = bool(value, "stream");
                    case "stream_options" -> includeUsage = dialect == Dialect.OPENAI && includeUsage(p, value);
                    case "cache" -> cache = value == JsonToken.VALUE_NULL ? null : bool(value, "cache");
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadRequestException("the body must be exactly one JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("the body could not be read");
        }
        if (model == null || model.isBlank() || model.length() > MAX_MODEL_CHARS) {
            throw new BadRequestException("'model' must be a string of 1 to " + MAX_MODEL_CHARS + " characters");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : PASSED_HEADERS) {
            String value = httpHeaders.get(name);
            if (value != null) {
                if (value.length() > MAX_HEADER_CHARS) {
                    throw new BadRequestException(name + " is longer than " + MAX_HEADER_CHARS + " characters");
                }
                headers.put(name, value);
            }
        }
        return new DropInRequest(dialect, model, stream, includeUsage, body, headers,
                CachePolicy.of(cache, httpHeaders.get(HttpHeaderNames.CACHE_CONTROL)));
    }

    /** The request as a neutral {@link ChatRequest}, for a provider of the other dialect. */
    ChatRequest translated(String upstreamModel) {
        String model = upstreamModel != null ? upstreamModel : this.model;
        return dialect == Dialect.OPENAI
                ? OpenAiRequestReader.read(body, model)
                : AnthropicRequestReader.read(body, model);
    }

    private static boolean bool(JsonToken value, String field) {
        return switch (value) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> throw new BadRequestException("'" + field + "' must be a boolean");
        };
    }

    private static boolean includeUsage(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return false;
        }
        if (value != JsonToken.START_OBJECT) {
            throw new BadRequestException("'stream_options' must be an object");
        }
        boolean include = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("include_usage")) {
                include = bool(v, "stream_options.include_usage");
            } else {
                p.skipChildren();
            }
        }
        return include;
    }
}
