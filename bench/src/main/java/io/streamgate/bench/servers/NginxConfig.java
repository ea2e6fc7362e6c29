package io.streamgate.bench.servers;

import java.nio.file.Path;

/**
 * nginx configurations, set up the way one would front an SSE upstream in production (no buffering, HTTP/1.1
 * keep-alive to the upstream, no access log), so that its CPU and latency are a fair floor for "any proxy hop":
 * the baseline proxy (to a plain or a TLS upstream), and the TLS terminator the {@code --tls} pass puts in front
 * of the simulator.
 */
final class NginxConfig {

    private NginxConfig() {}

    /** The baseline: plain HTTP in, plain HTTP to {@code upstreamHostPort}. */
    static String proxy(Path dir, int port, String upstreamHostPort) {
        return render(dir, "listen 127.0.0.1:" + port + " backlog=4096;", upstreamHostPort, "http", "");
    }

    /**
     * The baseline of a TLS pass: plain HTTP in, HTTPS to {@code upstreamHostPort}, verified against
     * {@code trustedCa} for {@code serverName}, over kept-alive (and so resumed) TLS connections, as the gateway
     * reads it.
     */
    static String proxyToTls(Path dir, int port, String upstreamHostPort, Path trustedCa, String serverName) {
        return render(dir, "listen 127.0.0.1:" + port + " backlog=4096;", upstreamHostPort, "https", """
                            proxy_ssl_verify on;
                            proxy_ssl_trusted_certificate %s;
                            proxy_ssl_server_name on;
                            proxy_ssl_name %s;
                            proxy_ssl_session_reuse on;
                """.formatted(trustedCa.toAbsolutePath(), serverName));
    }

    /**
     * The TLS terminator: HTTPS in with {@code cert} and {@code key}, plain HTTP to {@code upstreamHostPort}. HTTP/2
     * is offered too (ALPN: an HTTP/1.1-only client, the gateway's default, still gets HTTP/1.1). Keep-alive requests
     * are not capped low: nginx would otherwise close a connection after 1,000 requests (HTTP/1.1) or streams
     * (HTTP/2), and the gateway's client does not retry a refused stream by itself.
     */
    static String tlsTerminator(Path dir, int port, String upstreamHostPort, Path cert, Path key) {
        return render(dir, """
                listen 127.0.0.1:%d ssl http2 backlog=4096;
                        http2_max_concurrent_streams 10000;
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        ssl_session_cache shared:TLS:10m;
                        keepalive_requests 1000000;""".formatted(port, cert.toAbsolutePath(), key.toAbsolutePath()),
                upstreamHostPort, "http", "");
    }

    private static String render(Path dir, String listen, String upstreamHostPort, String upstreamScheme,
            String locationExtra) {
        String d = dir.toAbsolutePath().toString();
        return """
                worker_processes auto;
                worker_rlimit_nofile 20000;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 16000; multi_accept on; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/temp/body;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    upstream llm { server %3$s; keepalive 1024; }
                    server {
                        %2$s
                        location / {
                            proxy_pass %4$s://llm;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_buffering off;
                            proxy_cache off;
                            proxy_read_timeout 600s;
                %5$s        }
                    }
                }
                """.formatted(d, listen, upstreamHostPort, upstreamScheme, locationExtra);
    }
}
