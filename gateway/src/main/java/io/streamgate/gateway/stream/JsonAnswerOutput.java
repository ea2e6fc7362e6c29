package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamgate.gateway.http.JsonResponses;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole answer as one JSON document, for clients that do not stream ({@code POST .../messages}).
 *
 * <p>It sees the same events as an SSE client and keeps only what the document needs. Because nothing is sent
 * before the end, a failure can still use a real HTTP status (502, 504, 429, 503) rather than an event.
 */
final class JsonAnswerOutput implements EventOutput {

    private final Channel channel;
    private final String conversationId;
    private final List<StreamEvent> toolEvents = new ArrayList<>();
    private StreamEvent.CompleteState complete;
    private StreamEvent.Error error;
    private long lastWriteNanos;

    JsonAnswerOutput(Channel channel, String conversationId) {
        this.channel = requireNonNull(channel, "channel");
        this.lastWriteNanos = channel.eventLoop().ticker().nanoTime();
        this.conversationId = requireNonNull(conversationId, "conversationId");
    }

    @Override
    public void start() {}

    @Override
    public void event(StreamEvent event, long sequence, long timestampMillis) {
        switch (event) {
            case StreamEvent.CompleteState c -> complete = c;
            case StreamEvent.Error e -> error = e;
            case StreamEvent.ToolCall t -> toolEvents.add(t);
            case StreamEvent.ToolResult t -> toolEvents.add(t);
            case StreamEvent.MessageChunk ignored -> {}
            case StreamEvent.Thinking ignored -> {}
        }
    }

    @Override
    public void flush() {}

    @Override
    public void ping() {}

    @Override
    public void finish() {
        FullHttpResponse response = error != null ? errorResponse(error) : answerResponse(complete);
        channel.writeAndFlush(response, channel.voidPromise());
        lastWriteNanos = channel.eventLoop().ticker().nanoTime();
    }

    @Override
    public void discard() {}

    @Override
    public void closeConnection() {
        channel.close();
    }

    @Override
    public boolean isWritable() {
        return true; // nothing is written before the end; the answer's size limit bounds memory
    }

    @Override
    public long pendingBytes() {
        return 0;
    }

    @Override
    public long lastWriteNanos() {
        return lastWriteNanos;
    }

    private FullHttpResponse answerResponse(StreamEvent.CompleteState c) {
        return JsonResponses.json(channel.alloc(), HttpResponseStatus.OK, json -> {
            json.writeStartObject();
            json.writeStringField("conversation_id", conversationId);
            json.writeStringField("message", c.finalMessage());
            json.writeStringField("finish_reason", c.finishReason());
            EventFields.writeCount(json, "total_tokens", c.totalTokens());
            EventFields.writeCount(json, "prompt_tokens", c.promptTokens());
            json.writeNumberField("elapsed_time", Math.round(c.elapsedSeconds() * 1000) / 1000.0);
            json.writeArrayFieldStart("tool_events");
            for (StreamEvent e : toolEvents) {
                json.writeStartObject();
                json.writeStringField("type", e.type());
                EventFields.write(e, json);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private FullHttpResponse errorResponse(StreamEvent.Error e) {
        HttpResponseStatus status = switch (e.code()) {
            case UPSTREAM_TIMEOUT -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case RATE_LIMITED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case OVERLOADED, UPSTREAM_UNAVAILABLE, STREAM_OWNER_LOST -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
            case INTERNAL -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            case UPSTREAM_ERROR -> HttpResponseStatus.BAD_GATEWAY;
        };
        return JsonResponses.error(channel.alloc(), status, e.code().wireName(), e.message(), e.retryable());
    }
}
