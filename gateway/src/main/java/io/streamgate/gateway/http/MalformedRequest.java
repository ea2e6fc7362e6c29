package io.streamgate.gateway.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/** The answer to a request the HTTP codec could not decode: 431, 414, 413 or 400, and the connection closes. */
final class MalformedRequest {

    private MalformedRequest() {}

    static FullHttpResponse response(ByteBufAllocator alloc, Throwable cause) {
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
        FullHttpResponse r = JsonResponses.error(alloc, status, code, "malformed HTTP request");
        HttpUtil.setKeepAlive(r, false);
        return r;
    }
}
