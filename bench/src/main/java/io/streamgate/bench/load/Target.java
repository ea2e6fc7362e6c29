package io.streamgate.bench.load;

import java.net.URI;

/**
 * One server the load is aimed at: where it listens and which dialect it speaks.
 *
 * @param name short label used in the report ("direct", "gateway", "nginx")
 * @param basePath the base URL's path, without a trailing slash ({@code /v1} for OpenAI-style servers)
 * @param bearerKey sent as {@code Authorization: Bearer ...}, or {@code null} for none
 */
public record Target(String name, String host, int port, String basePath, WireFormat format, String bearerKey) {

    /** From a base URL such as {@code http://127.0.0.1:8080} or {@code http://127.0.0.1:9000/v1}. */
    public static Target of(String name, String baseUrl, WireFormat format) {
        URI uri = URI.create(baseUrl);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        return new Target(name, uri.getHost(), port, path, format, null);
    }

    /** The same server under another name, as the tenant of {@code key}. */
    public Target as(String newName, String key) {
        return new Target(newName, host, port, basePath, format, key);
    }

    /** The request URI of the stream with {@code conversationId}. */
    public String uri(String conversationId) {
        return basePath + format.path(conversationId);
    }

    public String hostHeader() {
        return host + ":" + port;
    }
}
