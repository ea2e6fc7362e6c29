package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * A provider's streaming request, independent of the transport that sends it: a POST of {@code body} to {@code url}
 * asking for {@code text/event-stream} without compression, plus the provider's own headers (its key, its version).
 *
 * @param headers extra headers in order; their values may be secrets, so this record's {@code toString} omits them
 */
public record StreamingPost(HttpUrl url, String contentType, byte[] body, Map<String, String> headers) {

    public StreamingPost {
        requireNonNull(url, "url");
        requireNonNull(contentType, "contentType");
        requireNonNull(body, "body");
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers, "headers")));
    }

    @Override
    public String toString() {
        return "StreamingPost[" + url + ", " + body.length + " bytes]";
    }
}
