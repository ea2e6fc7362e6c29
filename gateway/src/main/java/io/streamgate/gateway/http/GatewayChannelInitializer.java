package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.streamgate.gateway.auth.AdminKey;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.auth.TenantAdmission;
import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.dropin.DropInEndpoints;
import io.streamgate.gateway.dropin.DropInServices;
import io.streamgate.gateway.stream.StreamDirectory;
import io.streamgate.gateway.stream.StreamStops;
import io.streamgate.gateway.stream.StreamLauncher;
import io.streamgate.gateway.stream.StreamRequestParser;
import java.util.concurrent.ForkJoinPool;

/**
 * Assembles each connection's pipeline, in the order bytes flow:
 *
 * <ol>
 *   <li>{@code http-codec}: strict HTTP/1.1 parsing with bounded request line and headers, chunked encoding out;
 *   <li>{@code timeouts}: the whole-request deadline (head and body) and the idle keep-alive timeout;
 *   <li>{@code keep-alive}: honours {@code Connection: close} once a response has ended;
 *   <li>{@code cors}: preflight and response headers for the configured origins;
 *   <li>{@code admission}: on the head, before any body is buffered: Host, API key, normal-form path; it hands the
 *       router the request's path and tenant;
 *   <li>{@code body-limit}: aggregates the request body up to the configured size, 413 beyond; answers
 *       {@code Expect: 100-continue};
 *   <li>{@code router}: maps the request to a stream, the page, a health check or an admin route.
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
    private final TenantAdmission limits;
    private final Conversations conversations;
    private final StreamDirectory directory;
    private final StreamStops stops;
    private final ApiKeys keys;
    private final AdminKey adminKey;
    private final AnswerCache cache; // null: off
    private final DropInServices dropIn;

    public GatewayChannelInitializer(
            GatewayConfig config,
            StreamLauncher launcher,
            Conversations conversations,
            StreamDirectory directory,
            StreamStops stops,
            StaticPage page,
            HealthResponder health,
            ApiKeys keys,
            AdminKey adminKey,
            TenantAdmission limits,
            DropInServices dropIn,
            AnswerCache cache) {
        this.config = requireNonNull(config, "config");
        this.launcher = requireNonNull(launcher, "launcher");
        this.page = requireNonNull(page, "page");
        this.health = requireNonNull(health, "health");
        this.parser = new StreamRequestParser(config.maxMessageChars());
        this.cors = corsConfig(config);
        this.conversations = requireNonNull(conversations, "conversations");
        this.directory = requireNonNull(directory, "directory");
        this.stops = requireNonNull(stops, "stops");
        this.keys = requireNonNull(keys, "keys");
        this.adminKey = requireNonNull(adminKey, "adminKey");
        this.cache = cache;
        this.limits = requireNonNull(limits, "limits");
        this.dropIn = requireNonNull(dropIn, "dropIn");
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("http-codec", new HttpServerCodec(decoderConfig(config)));
        p.addLast("timeouts", new RequestTimeouts(config.requestTimeout(), config.idleTimeout()));
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        p.addLast("cors", new CorsHandler(cors));
        p.addLast("admission", new RequestAdmission(keys, adminKey, !keys.enabled()));
        p.addLast("body-limit", new BodyLimitAggregator(config.maxBodyBytes()));
        p.addLast("router", new ApiRouter(launcher, parser, conversations, directory, stops, page, health, limits,
                keys.enabled(), new DropInEndpoints(dropIn), new AdminRoutes(cache, ForkJoinPool.commonPool())));
    }

    /**
     * Strict framing: RFC 9112 Transfer-Encoding rules, no duplicate Content-Length, strict line endings. These
     * are the request-smuggling shapes; a request that breaks them fails to decode and gets 400 and a close.
     */
    private static HttpDecoderConfig decoderConfig(GatewayConfig config) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxChunkSize(8192)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true)
                .setStrictLineParsing(true);
    }

    private static CorsConfig corsConfig(GatewayConfig config) {
        CorsConfigBuilder builder = config.corsOrigins().contains("*")
                ? CorsConfigBuilder.forAnyOrigin()
                : config.corsOrigins().isEmpty()
                        ? CorsConfigBuilder.forOrigins() // same-origin only: no cross-origin grants
                        : CorsConfigBuilder.forOrigins(config.corsOrigins().toArray(String[]::new));
        return builder
                .allowedRequestMethods(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.OPTIONS)
                .allowedRequestHeaders("Content-Type", "Authorization", "Last-Event-ID", "x-api-key", "anthropic-version",
                        "anthropic-beta")
                .exposeHeaders("Retry-After")
                .maxAge(600)
                .build();
    }
}
