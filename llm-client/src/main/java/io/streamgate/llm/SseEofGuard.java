package io.streamgate.llm;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Okio;
import okio.Source;

/**
 * Works around an okhttp-sse 5.5.1 bug: when an event-stream body read from the network ends in a {@code '\r'},
 * {@code ServerSentEventReader} spins forever at full CPU and never calls {@code onClosed} or {@code onFailure}.
 *
 * <p>Its {@code select} cannot tell a lone CR from the first half of a CRLF without one more byte; at end of input
 * it answers "no match", the fallback skips zero bytes to that same CR, and the loop repeats. Two real inputs end
 * that way: a server using lone-CR line endings (allowed by the SSE spec; the final event is also lost), and a
 * CRLF server whose connection drops between {@code \r} and {@code \n}. The second turns a broken upstream into
 * a hung stream and a burning thread instead of an error event.
 *
 * <p>The guard appends a {@code '\n'} at end of input when the last byte was {@code '\r'}: a CR before end of
 * input ends the line either way, so the events are unchanged and the reader reaches its end.
 */
public final class SseEofGuard implements Interceptor {

    public static final SseEofGuard INSTANCE = new SseEofGuard();

    private SseEofGuard() {}

    @Override
    public Response intercept(Chain chain) throws IOException {
        return guard(chain.proceed(chain.request()));
    }

    /** Returns the response with its body guarded if it is an event stream, else the response itself. */
    public static Response guard(Response response) {
        ResponseBody body = response.body();
        MediaType type = body.contentType();
        if (type == null || !"event-stream".equalsIgnoreCase(type.subtype())) {
            return response;
        }
        ResponseBody guarded = ResponseBody.create(Okio.buffer(new CrTerminatingSource(body.source())), type, -1L);
        return response.newBuilder().body(guarded).build();
    }

    private static final class CrTerminatingSource extends ForwardingSource {
        private boolean lastWasCr;
        private boolean exhausted;

        CrTerminatingSource(Source delegate) {
            super(delegate);
        }

        @Override
        public long read(Buffer sink, long byteCount) throws IOException {
            if (exhausted) {
                return -1;
            }
            long read = super.read(sink, byteCount);
            if (read > 0) {
                lastWasCr = sink.getByte(sink.size() - 1) == '\r';
                return read;
            }
            if (read == -1) {
                exhausted = true;
                if (lastWasCr) {
                    sink.writeByte('\n');
                    return 1;
                }
            }
            return read;
        }
    }
}
