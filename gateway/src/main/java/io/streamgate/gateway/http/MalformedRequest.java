package io.streamgate.gateway.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.streamgate.gateway.dropin.ClientError;
import io.streamgate.gateway.routing.Dialect;

/**
 * The answer to a request the HTTP codec could not decode: 431, 414, 413 or 400, and the connection closes. A 413 or
 * 400 for a drop-in path (its head decoded, its body did not) is in that client's dialect.
 */
final class MalformedRequest {

    private static final String MESSAGE = "malformed HTTP request";

    private MalformedRequest() {}

    static FullHttpResponse response(ByteBufAllocator alloc, Throwable cause) {
        return response(alloc, cause, null);
    }

    /** @param dialect the drop-in client's dialect, or {@code null} for the gateway's own error body */
    static FullHttpResponse response(ByteBufAllocator alloc, Throwable cause, Dialect dialect) {
        HttpResponseStatus status;
        String code;
        if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            code = "headers_too_large";
        } else if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            code = "uri_too_long";
        } else if (cause instanceof TooLongFrameException) {
            status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            code = "payload_too_large";
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
            code = "bad_request";
        }
        ClientError.Kind kind = status.equals(HttpResponseStatus.BAD_REQUEST) ? ClientError.Kind.BAD_REQUEST
                : status.equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE) ? ClientError.Kind.TOO_LARGE : null;
        FullHttpResponse r = dialect != null && kind != null
                ? ClientError.of(kind, MESSAGE).response(alloc, dialect)
                : JsonResponses.error(alloc, status, code, MESSAGE);
        HttpUtil.setKeepAlive(r, false);
        return r;
    }
}
