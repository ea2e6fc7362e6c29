package io.streamgate.gateway.simulator;

import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.streamgate.gateway.metrics.LogValue;
import java.util.ArrayDeque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one connection's requests: {@code POST /v1/chat/completions} to an answer in OpenAI's dialect,
 * {@code POST /v1/messages} to one in Anthropic's, anything else to an OpenAI-style error.
 *
 * <p>One instance per connection. HTTP/1.1 answers requests in order, so while an answer is being
 * written, further (pipelined) requests wait in a queue and are answered one after another; the
 * queue's buffers are released if the client leaves first.
 */
final class SimulatorHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String COMPLETIONS_PATH = "/v1/chat/completions";
    static final String MESSAGES_PATH = "/v1/messages";

    private static final Logger log = LoggerFactory.getLogger(SimulatorHandler.class);
    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

    private final SimulatorSettings settings;
    private final SimRequestParser parser;
    private final AnthropicSimRequestParser anthropicParser;
    private final OpenAiJson json;
    private final AnswerPlanner planner;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private InFlight current;

    SimulatorHandler(SimulatorSettings settings, SimRequestParser parser, AnthropicSimRequestParser anthropicParser,
            AnswerPlanner planner, OpenAiJson json) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.anthropicParser = Objects.requireNonNull(anthropicParser, "anthropicParser");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.json = Objects.requireNonNull(json, "json");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (current != null) {
            queued.add(req.retain());
        } else {
            handle(ctx, req);
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            sendError(ctx, json, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", false);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        boolean anthropic = MESSAGES_PATH.equals(path);
        AnswerWire wire = anthropic ? new AnthropicJson(JSON) : json;
        if (!anthropic && !COMPLETIONS_PATH.equals(path)) {
            sendError(ctx, wire, HttpResponseStatus.NOT_FOUND, "Invalid URL (" + req.method() + " " + path + ")", keepAlive);
            return;
        }
        if (!HttpMethod.POST.equals(req.method())) {
            sendError(ctx, wire, HttpResponseStatus.METHOD_NOT_ALLOWED, "Use POST for " + path, keepAlive);
            return;
        }
        SimRequest request;
        try {
            request = anthropic
                    ? anthropicParser.parse(new ByteBufInputStream(req.content()))
                    : parser.parse(new ByteBufInputStream(req.content()));
        } catch (InvalidRequestException e) {
            sendError(ctx, wire, HttpResponseStatus.BAD_REQUEST, e.getMessage(), keepAlive);
            return;
        }
        SimAnswer answer = planner.plan(request, System.currentTimeMillis() / 1000);
        // HTTP/1.0 has no chunked framing: a stream's end is then the connection's end.
        boolean chunked = req.protocolVersion().compareTo(HttpVersion.HTTP_1_1) >= 0;
        boolean stayOpen = keepAlive && (chunked || !request.stream());
        Runnable done = () -> answered(ctx, stayOpen);
        current = request.stream()
                ? new StreamingAnswer(ctx, answer, wire, settings, chunked, stayOpen, done)
                : new WholeAnswer(ctx, answer, wire, settings, stayOpen, done);
        current.start();
    }

    /** The current answer is fully written: answer the next queued request, if the connection stays. */
    private void answered(ChannelHandlerContext ctx, boolean keepAlive) {
        current = null;
        if (!keepAlive) {
            releaseQueued();
            return;
        }
        FullHttpRequest next;
        while (current == null && ctx.channel().isActive() && (next = queued.poll()) != null) {
            try {
                handle(ctx, next);
            } finally {
                next.release();
            }
        }
    }

    private static void sendError(ChannelHandlerContext ctx, AnswerWire wire, HttpResponseStatus status, String message,
            boolean keepAlive) {
        // OpenAI calls an unknown path an invalid request; Anthropic has its own type for it.
        String type = wire instanceof AnthropicJson && status.code() == 404 ? "not_found_error" : "invalid_request_error";
        HttpReplies.sendJson(ctx, status, wire.error(ctx.alloc(), message, type), keepAlive);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.writabilityChanged();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.cancel();
            current = null;
        }
        releaseQueued();
        super.channelInactive(ctx);
    }

    private void releaseQueued() {
        FullHttpRequest req;
        while ((req = queued.poll()) != null) {
            req.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("simulator connection {} failed; closing it: {}", ctx.channel(), LogValue.of(cause));
        ctx.close();
    }
}
