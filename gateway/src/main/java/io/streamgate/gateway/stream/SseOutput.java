package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * An HTTP/1.1 chunked {@code text/event-stream} response.
 *
 * <p>Events queued between two flushes are encoded into one pooled buffer and leave as one HTTP chunk with one
 * {@code write} and the void promise: no per-event promise or listener allocation. Write failures surface as
 * {@code exceptionCaught}, which closes the channel and so ends the stream.
 */
public final class SseOutput implements EventOutput {

    private static final int INITIAL_BATCH_BYTES = 512;

    private final Channel channel;
    private final StreamJournal journal;
    private ByteBuf batch;
    private boolean detached;
    private volatile long lastWriteNanos;

    /** @param journal where events are kept for resumes and followers, or {@code null} */
    SseOutput(Channel channel, StreamJournal journal) {
        this.channel = requireNonNull(channel, "channel");
        this.journal = journal;
        this.lastWriteNanos = channel.eventLoop().ticker().nanoTime();
    }

    /** The head of every event-stream response: no caching, no proxy buffering, chunked. */
    static HttpResponse head() {
        return head("text/event-stream");
    }

    /** {@link #head()} with its own {@code Content-Type}, e.g. one naming the charset as a provider's does. */
    public static HttpResponse head(String contentType) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set("X-Accel-Buffering", "no");
        HttpUtil.setTransferEncodingChunked(head, true);
        return head;
    }

    @Override
    public void start() {
        channel.writeAndFlush(head(), channel.voidPromise());
        lastWriteNanos = channel.eventLoop().ticker().nanoTime();
    }

    @Override
    public void event(StreamEvent event, long sequence, long timestampMillis) {
        ByteBuf out = batch();
        int from = out.writerIndex();
        SseEventEncoder.encode(event, sequence, timestampMillis, out);
        if (journal != null) {
            journal.append(sequence, out, from, out.writerIndex());
        }
    }

    @Override
    public boolean detach() {
        if (journal == null) {
            return false;
        }
        detached = true;
        return true;
    }

    @Override
    public boolean hasFollowers() {
        return journal != null && journal.hasFollowers();
    }

    @Override
    public void ping() {
        SseEventEncoder.encodePing(batch());
        flush();
    }

    @Override
    public void flush() {
        if (batch != null) {
            write(new DefaultHttpContent(takeBatch()));
        }
    }

    @Override
    public void finish() {
        // The last events and the end of the body leave in one write.
        try {
            write(batch == null ? new DefaultLastHttpContent() : new DefaultLastHttpContent(takeBatch()));
        } finally {
            if (journal != null) {
                journal.end();
            }
        }
    }

    /**
     * Hands the batch to followers and the Redis mirror, then to the client; the keep-alive handler closes after the
     * end if asked. The client's write never depends on the others': if forwarding throws, the client still gets
     * the batch (and the failure still propagates), rather than silently missing the events in it.
     */
    private void write(HttpContent content) {
        try {
            if (journal != null && content.content().isReadable()) {
                journal.forward(content.content());
            }
        } finally {
            if (detached) {
                content.release();
            } else {
                channel.writeAndFlush(content, channel.voidPromise());
            }
            lastWriteNanos = channel.eventLoop().ticker().nanoTime();
        }
    }

    private ByteBuf takeBatch() {
        ByteBuf out = batch;
        batch = null;
        return out;
    }

    @Override
    public void discard() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
    }

    @Override
    public void closeConnection() {
        channel.close();
    }

    @Override
    public boolean isWritable() {
        return detached || channel.isWritable();
    }

    @Override
    public long pendingBytes() {
        // The batch lives only within one event-loop task, so the outbound buffer is what stays held.
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        return outbound == null ? 0 : outbound.totalPendingWriteBytes();
    }

    @Override
    public long lastWriteNanos() {
        return lastWriteNanos;
    }

    private ByteBuf batch() {
        if (batch == null) {
            batch = channel.alloc().directBuffer(INITIAL_BATCH_BYTES);
        }
        return batch;
    }
}
