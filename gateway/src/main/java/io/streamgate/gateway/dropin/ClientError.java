package io.streamgate.gateway.dropin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamgate.gateway.http.JsonResponses;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.llm.UpstreamError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An error as a drop-in client expects it: the status its SDK's retry logic keys on, and the body in its dialect,
 * OpenAI's {@code {"error":{"message","type","param","code"}}} or Anthropic's
 * {@code {"type":"error","error":{"type","message"}}}; after the first byte, the same body as an in-stream event.
 *
 * @param kind what went wrong
 * @param message safe to show to the client
 * @param retryAfterSeconds sent as {@code Retry-After}; 0 for none
 */
public record ClientError(Kind kind, String message, long retryAfterSeconds) {

    /** What went wrong, with the status and error type each dialect uses for it. */
    public enum Kind {
        BAD_REQUEST(400, 400, "invalid_request_error", null, "invalid_request_error"),
        UNAUTHENTICATED(401, 401, "invalid_request_error", "invalid_api_key", "authentication_error"),
        FORBIDDEN(403, 403, "invalid_request_error", "permission_denied", "permission_error"),
        METHOD_NOT_ALLOWED(405, 405, "invalid_request_error", "method_not_allowed", "invalid_request_error"),
        MODEL_NOT_FOUND(404, 404, "invalid_request_error", "model_not_found", "not_found_error"),
        NOT_FOUND(404, 404, "invalid_request_error", "not_found", "not_found_error"),
        TOO_LARGE(413, 413, "invalid_request_error", "request_too_large", "request_too_large"),
        RATE_LIMITED(429, 429, "rate_limit_error", "rate_limit_exceeded", "rate_limit_error"),
        /** Anthropic's own 529; OpenAI clients get 503, which their SDK retries too. */
        OVERLOADED(503, 529, "server_error", "overloaded", "overloaded_error"),
        UPSTREAM_ERROR(502, 502, "server_error", "upstream_error", "api_error"),
        UPSTREAM_UNAVAILABLE(502, 502, "server_error", "upstream_unavailable", "api_error"),
        UPSTREAM_TIMEOUT(504, 504, "server_error", "upstream_timeout", "timeout_error"),
        INTERNAL(500, 500, "server_error", "internal", "api_error");

        private final int openAiStatus;
        private final int anthropicStatus;
        private final String openAiType;
        private final String openAiCode;
        private final String anthropicType;

        Kind(int openAiStatus, int anthropicStatus, String openAiType, String openAiCode, String anthropicType) {
            this.openAiStatus = openAiStatus;
            this.anthropicStatus = anthropicStatus;
            this.openAiType = openAiType;
            this.openAiCode = openAiCode;
            this.anthropicType = anthropicType;
        }

        public int status(Dialect dialect) {
            return dialect == Dialect.ANTHROPIC ? anthropicStatus : openAiStatus;
        }
    }

    private static final byte[] OPENAI_EVENT = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANTHROPIC_EVENT = "event: error\ndata: ".getBytes(StandardCharsets.US_ASCII);

    public ClientError {
        requireNonNull(kind, "kind");
        requireNonNull(message, "message");
    }

    public static ClientError of(Kind kind, String message) {
        return new ClientError(kind, message, 0);
    }

    /**
     * A provider's failure, as the client should see it. The provider's refusal of the gateway's own key (401, 403)
     * is the gateway's fault, not the client's: it is a 502, so that no SDK tells its user their key is wrong.
     */
    public static ClientError of(UpstreamError error) {
        requireNonNull(error, "error");
        Kind kind = switch (error.code()) {
            case RATE_LIMITED -> Kind.RATE_LIMITED;
            case OVERLOADED -> Kind.OVERLOADED;
            case UPSTREAM_TIMEOUT -> Kind.UPSTREAM_TIMEOUT;
            case UPSTREAM_UNAVAILABLE, STREAM_OWNER_LOST -> Kind.UPSTREAM_UNAVAILABLE;
            case BAD_REQUEST -> error.httpStatus() == 404 ? Kind.NOT_FOUND
                    : error.httpStatus() == 413 ? Kind.TOO_LARGE : Kind.BAD_REQUEST;
            case UPSTREAM_ERROR -> Kind.UPSTREAM_ERROR;
            case INTERNAL -> Kind.INTERNAL;
        };
        long retryAfter = error.retryAfter() == null ? 0 : Math.max(1, error.retryAfter().toSeconds());
        return new ClientError(kind, error.message(), retryAfter);
    }

    /** The whole error response. */
    public FullHttpResponse response(ByteBufAllocator alloc, Dialect dialect) {
        FullHttpResponse r = JsonResponses.json(alloc, HttpResponseStatus.valueOf(kind.status(dialect)),
                g -> writeBody(g, dialect));
        if (retryAfterSeconds > 0) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        if (kind == Kind.UNAUTHENTICATED) {
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        return r;
    }

    /** The error as one in-stream event: OpenAI's {@code data: {"error":…}}, Anthropic's {@code event: error}. */
    public void writeEvent(ByteBuf out, Dialect dialect) throws IOException {
        out.writeBytes(dialect == Dialect.ANTHROPIC ? ANTHROPIC_EVENT : OPENAI_EVENT);
        try (JsonGenerator g = Encoding.generator(out)) {
            writeBody(g, dialect);
        }
        out.writeByte('\n').writeByte('\n');
    }

    private void writeBody(JsonGenerator g, Dialect dialect) throws IOException {
        g.writeStartObject();
        if (dialect == Dialect.ANTHROPIC) {
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", kind.anthropicType);
            g.writeStringField("message", message);
            g.writeEndObject();
        } else {
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", kind.openAiType);
            g.writeNullField("param");
            if (kind.openAiCode == null) {
                g.writeNullField("code");
            } else {
                g.writeStringField("code", kind.openAiCode);
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
