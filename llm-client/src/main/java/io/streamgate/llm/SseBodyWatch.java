package io.streamgate.llm;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Okio;
import okio.Source;

/**
 * Watches an event stream's body on the OkHttp transport, read by read, for what okhttp-sse cannot see to.
 *
 * <ul>
 *   <li><b>One event's size.</b> okhttp-sse reads a line, and joins an event's {@code data} lines, without a limit,
 *       so a provider that never ends a line or an event would make it buffer without bound. Here the bytes of the
 *       event being read (its field lines, names included; comment lines and line endings not) and of the line being
 *       read are counted, and a read that takes either over {@code maxEventBytes} fails with
 *       {@link EventTooLargeException}: the call ends with {@code upstream_error}, as over the Netty transport's
 *       framer cap.
 *   <li><b>Signs of life.</b> Each read is reported to the request's {@link Listener} tag, if it has one, so bytes
 *       that make no event (comments, pings, a tool call's argument pieces) still tell the silence watchdog that the
 *       provider is alive.
 * </ul>
 *
 * <p>An application interceptor. It counts the body's bytes as they come off the network, so it knows all three SSE
 * line endings (LF, CR, CRLF), whether or not {@link SseEofGuard} rewrites them before or after it.
 */
public final class SseBodyWatch implements Interceptor {

    /** Told of every read from an event stream's body; put on the request as a tag. Called on the reading thread. */
    public interface Listener {
        void bodyRead();
    }

    /** A read took one event (or one line) over the cap. */
    public static final class EventTooLargeException extends IOException {
        private final int maxEventBytes;

        EventTooLargeException(int maxEventBytes) {
            super("event over " + maxEventBytes + " bytes");
            this.maxEventBytes = maxEventBytes;
        }

        public int maxEventBytes() {
            return maxEventBytes;
        }
    }

    private final int maxEventBytes;

    /** @param maxEventBytes the largest event (or line) a body may carry */
    public SseBodyWatch(int maxEventBytes) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
    }

    public int maxEventBytes() {
        return maxEventBytes;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        ResponseBody body = response.body();
        if (!SseEofGuard.isEventStream(body)) {
            return response;
        }
        Source watched = watch(body.source(), maxEventBytes, chain.request().tag(Listener.class));
        return response.newBuilder().body(ResponseBody.create(Okio.buffer(watched), body.contentType(), -1L)).build();
    }

    /** {@code source} with its events capped at {@code maxEventBytes} and its reads told to {@code listener}, if any. */
    static Source watch(Source source, int maxEventBytes, Listener listener) {
        return new WatchedSource(source, maxEventBytes, listener);
    }

    private static final class WatchedSource extends ForwardingSource {
        private final int max;
        private final Listener listener;
        private final Buffer raw = new Buffer();
        private final Buffer.UnsafeCursor cursor = new Buffer.UnsafeCursor();
        private long eventBytes;
        private long lineBytes;
        private boolean lineStart = true;
        private boolean comment;
        private boolean afterCr;
        private EventTooLargeException overCap;

        WatchedSource(Source delegate, int max, Listener listener) {
            super(delegate);
            this.max = max;
            this.listener = listener;
        }

        /**
         * Passes on the bytes before the first one over the cap, and fails the read after: the events before it are
         * whole and get delivered, as on the Netty transport.
         */
        @Override
        public long read(Buffer sink, long byteCount) throws IOException {
            if (overCap != null) {
                throw overCap;
            }
            long read = super.read(raw, byteCount);
            if (listener != null) {
                listener.bodyRead();
            }
            if (read <= 0) {
                return read;
            }
            long allowed = countUntilOverCap();
            sink.write(raw, allowed);
            if (allowed < read) {
                raw.clear();
                overCap = new EventTooLargeException(max);
                if (allowed == 0) {
                    throw overCap;
                }
            }
            return allowed;
        }

        /** Counts what {@code raw} holds, in place; returns how many of its bytes come before the cap is passed. */
        private long countUntilOverCap() {
            long offset = 0;
            try (Buffer.UnsafeCursor c = raw.readUnsafe(cursor)) {
                for (int n = c.seek(0); n != -1; n = c.next()) {
                    byte[] data = c.data;
                    for (int i = c.start; i < c.end; i++, offset++) {
                        if (!count(data[i])) {
                            return offset;
                        }
                    }
                }
            }
            return offset;
        }

        /** Counts one byte; returns {@code false} if it takes the line or the event over the cap. */
        private boolean count(byte b) {
            if (b == '\n' && afterCr) { // the second half of a CRLF
                afterCr = false;
                return true;
            }
            afterCr = b == '\r';
            if (b == '\r' || b == '\n') {
                if (lineStart) {
                    eventBytes = 0; // a blank line ends the event
                }
                lineStart = true;
                comment = false;
                lineBytes = 0;
                return true;
            }
            if (lineStart) {
                lineStart = false;
                comment = b == ':';
            }
            return ++lineBytes <= max && (comment || ++eventBytes <= max);
        }
    }
}
