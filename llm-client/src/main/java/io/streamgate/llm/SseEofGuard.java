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
 * Works around two okhttp-sse 5.5.1 bugs with {@code '\r'} line endings, both legal in SSE, by turning every line
 * ending into a single {@code '\n'} before the reader sees the body.
 *
 * <ol>
 *   <li><b>Spin at end of input.</b> When a body ends in {@code '\r'}, {@code ServerSentEventReader} loops forever at
 *       full CPU and never calls {@code onClosed} or {@code onFailure}: its {@code select} cannot tell a lone CR from
 *       the first half of a CRLF without one more byte, answers "no match", and the fallback skips zero bytes to that
 *       same CR. Two real inputs end that way: a server using lone-CR line endings, and a CRLF server whose
 *       connection drops between {@code \r} and {@code \n}. The second turns a broken upstream into a hung stream.
 *   <li><b>Lost events after a lone-CR {@code event:} or {@code id:} line.</b> The reader reads those fields with
 *       {@code readUtf8LineStrict}, which only knows {@code \n}: in a lone-CR stream the field swallows the rest of
 *       the body, and no event after it is ever delivered. Anthropic names every event, so all of them were lost.
 * </ol>
 *
 * <p>The SSE spec makes CR, LF and CRLF equivalent line terminators, and a CR can appear nowhere else in a stream
 * (JSON escapes it), so rewriting CR and CRLF to LF changes no event. The rewrite needs no look-ahead: a CR becomes
 * an LF at once, and an LF right after a CR (possibly in the next read) is dropped.
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
        if (!isEventStream(body)) {
            return response;
        }
        ResponseBody guarded =
                ResponseBody.create(Okio.buffer(new LineEndingNormalizer(body.source())), body.contentType(), -1L);
        return response.newBuilder().body(guarded).build();
    }

    /** Whether {@code body} is declared as an event stream ({@code text/event-stream}, parameters aside). */
    static boolean isEventStream(ResponseBody body) {
        MediaType type = body.contentType();
        return type != null && "event-stream".equalsIgnoreCase(type.subtype());
    }

    private static final class LineEndingNormalizer extends ForwardingSource {
        private final Buffer raw = new Buffer();
        private boolean lastWasCr;

        LineEndingNormalizer(Source delegate) {
            super(delegate);
        }

        @Override
        public long read(Buffer sink, long byteCount) throws IOException {
            long written = 0;
            while (written == 0) { // a read that held only the LF of a split CRLF yields nothing; read on
                if (super.read(raw, byteCount) == -1) {
                    return -1;
                }
                written = normalize(sink);
            }
            return written;
        }

        /** Moves all of {@code raw} to {@code sink} with CR and CRLF as LF; returns the bytes written. */
        private long normalize(Buffer sink) throws IOException {
            long written = 0;
            while (!raw.exhausted()) {
                if (lastWasCr && raw.getByte(0) == '\n') {
                    raw.skip(1);
                    lastWasCr = false;
                    continue;
                }
                long cr = raw.indexOf((byte) '\r');
                long plain = cr == -1 ? raw.size() : cr;
                if (plain > 0) {
                    sink.write(raw, plain);
                    written += plain;
                    lastWasCr = false;
                }
                if (cr != -1) {
                    raw.skip(1);
                    sink.writeByte('\n');
                    written++;
                    lastWasCr = true;
                }
            }
            return written;
        }
    }
}
