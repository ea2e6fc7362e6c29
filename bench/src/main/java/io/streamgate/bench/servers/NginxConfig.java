package io.streamgate.bench.servers;

import java.nio.file.Path;

/**
 * The nginx baseline's configuration: a plain streaming reverse proxy, set up the way one would front an SSE
 * upstream in production (no buffering, HTTP/1.1 keep-alive to the upstream, no access log), so that its CPU
 * and latency are a fair floor for "any proxy hop".
 */
final class NginxConfig {

    private NginxConfig() {}

    static String render(Path dir, int port, String upstreamHostPort) {
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
                        listen 127.0.0.1:%2$d backlog=4096;
                        location / {
                            proxy_pass http://llm;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_buffering off;
                            proxy_cache off;
                            proxy_read_timeout 600s;
                        }
                    }
                }
                """.formatted(d, port, upstreamHostPort);
    }
}
