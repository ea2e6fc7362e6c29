package io.streamgate.llm.netty;

import static java.util.Objects.requireNonNull;

import okhttp3.HttpUrl;

/** Where a connection goes: connections are pooled per origin, and only reused for the same one. */
record Origin(boolean tls, String host, int port) {

    Origin {
        requireNonNull(host, "host");
    }

    static Origin of(HttpUrl url) {
        return new Origin(url.isHttps(), url.host(), url.port());
    }

    /** The {@code Host} header: the port only when it is not the scheme's default. */
    String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host; // an IPv6 literal
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }
}
