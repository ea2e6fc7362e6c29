package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.stream.StreamLauncher;
import io.streamgate.gateway.stream.StreamRequestParser;

/**
 * Assembles each connection's pipeline, in the order bytes flow:
 *
 * <ol>
 *   <li>{@code http-codec}: HTTP/1.1 parsing with bounded request line and headers, and chunked encoding out;
 *   <li>{@code keep-alive}: honours {@code Connection: close} once a response has ended;
 *   <li>{@code body-limit}: aggregates the request body up to the configured size, 413 beyond;
 *   <li>{@code cors}: preflight and response headers for the configured origins;
 *   <li>{@code router}: maps the request to a stream, the page or a health check.
 * </ol>
 *
 * There is deliberately no compressor: compression would buffer the stream and delay tokens.
 */
public final class GatewayChannelInitializer extends ChannelInitializer<Channel> {

    private final GatewayConfig config;
    private final StreamLauncher launcher;
    private final StreamRequestParser parser;
    private final StaticPage page;
    private final HealthResponder health;
    private final CorsConfig cors;

    public GatewayChannelInitializer(GatewayConfig config, StreamLauncher launcher, StaticPage page, HealthResponder health) {
        this.config = requireNonNull(config, "config");
        this.launcher = requireNonNull(launcher, "launcher");
        this.page = requireNonNull(page, "page");
        this.health = requireNonNull(health, "health");
        this.parser = new StreamRequestParser(config.maxMessageChars());
        this.cors = corsConfig(config);
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("http-codec", new HttpServerCodec(4096, config.maxHeaderBytes(), 8192));
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        p.addLast("body-limit", new BodyLimitAggregator(config.maxBodyBytes()));
        p.addLast("cors", new CorsHandler(cors));
        p.addLast("router", new ApiRouter(launcher, parser, page, health));
    }

    private static CorsConfig corsConfig(GatewayConfig config) {
        CorsConfigBuilder builder = config.corsOrigins().contains("*")
                ? CorsConfigBuilder.forAnyOrigin()
                : config.corsOrigins().isEmpty()
                        ? CorsConfigBuilder.forOrigins() // same-origin only: no cross-origin grants
                        : CorsConfigBuilder.forOrigins(config.corsOrigins().toArray(String[]::new));
        return builder
                .allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS)
                .allowedRequestHeaders("Content-Type", "Authorization", "Last-Event-ID")
                .exposeHeaders("Retry-After")
                .maxAge(600)
                .build();
    }
}
