package io.streamgate.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Builds the gateway's JSON responses, errors included: {@code {"error":{"code":"...","message":"..."}}}. */
public final class JsonResponses {

    /** Shared, thread-safe factory for every JSON the gateway writes outside the SSE encoder. */
    public static final JsonFactory JSON = new JsonFactory();

    /** Writes a JSON body into a generator; may throw what jackson throws. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private JsonResponses() {}

    public static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, Body body) {
        ByteBuf buf = alloc.buffer(256);
        try (JsonGenerator json = JSON.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
            body.write(json);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpUtil.setContentLength(response, buf.readableBytes());
        return response;
    }

    public static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String code, String message) {
        return error(alloc, status, code, message, null);
    }

    /** An error that also says whether retrying may help; {@code retryable} {@code null} leaves the field out. */
    public static FullHttpResponse error(
            ByteBufAllocator alloc, HttpResponseStatus status, String code, String message, Boolean retryable) {
        return json(alloc, status, json -> {
            json.writeStartObject();
            json.writeObjectFieldStart("error");
            json.writeStringField("code", code);
            json.writeStringField("message", message);
            if (retryable != null) {
                json.writeBooleanField("retryable", retryable);
            }
            json.writeEndObject();
            json.writeEndObject();
        });
    }
}
