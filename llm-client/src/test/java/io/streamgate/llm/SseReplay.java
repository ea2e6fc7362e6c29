package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.sse.EventSources;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import okio.Timeout;

/**
 * Feeds a body through okhttp-sse's own reader, the real {@link SseUpstreamCall} and a provider's parser,
 * synchronously on the calling thread and without a socket, with the body's bytes arriving in two reads split at a
 * chosen offset. That makes "an event split across reads" reproducible at every offset instead of whenever TCP
 * happens to split.
 */
public final class SseReplay {

    private static final MediaType EVENT_STREAM = MediaType.get("text/event-stream");

    private final Function<TokenSink, StreamParser> parser;

    /** @param parser builds the provider's parser, as its provider does for each call */
    public SseReplay(Function<TokenSink, StreamParser> parser) {
        this.parser = parser;
    }

    /** Replays {@code body}, delivering at most {@code firstRead} bytes in the first read. */
    public RecordingSink replay(byte[] body, int firstRead) {
        RecordingSink sink = new RecordingSink();
        Response response = new Response.Builder()
                .request(new Request.Builder().url("http://replay.invalid/v1/stream").build())
                .protocol(Protocol.HTTP_1_1)
                .code(200)
                .message("OK")
                .header("Content-Type", EVENT_STREAM.toString())
                .body(ResponseBody.create(Okio.buffer(new SplitSource(body, firstRead)), EVENT_STREAM, -1))
                .build();
        // As in production, where the client's interceptor applies the guard before okhttp-sse sees the body.
        EventSources.processResponse(SseEofGuard.guard(response), new SseUpstreamCall(sink, parser));
        return sink;
    }

    public RecordingSink replay(byte[] body) {
        return replay(body, body.length);
    }

    public RecordingSink replay(String body) {
        return replay(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Asserts that every {@link Variant} of {@code original}, split at every offset, gives exactly the events of
     * {@code original} read in one go.
     */
    public void assertEveryVariantAndSplitGives(List<UpstreamEvent> expected, byte[] original) {
        for (Variant variant : Variant.values()) {
            byte[] body = variant.apply(original);
            if (variant != Variant.AS_RECORDED) {
                assertNotEquals(new String(original, StandardCharsets.UTF_8), new String(body, StandardCharsets.UTF_8));
            }
            for (int split = 1; split < body.length; split++) {
                List<UpstreamEvent> actual = replay(body, split).events();
                if (!expected.equals(actual)) {
                    assertEquals(expected, actual, variant + " split at byte " + split);
                }
            }
        }
    }

    /** Line-ending and comment variants of a recorded body; each must give exactly the events of the original. */
    public enum Variant {
        AS_RECORDED(body -> body),
        CRLF(body -> body.replace("\n", "\r\n")),
        LONE_CR(body -> body.replace("\n", "\r")),
        COMMENTS(body -> ": OPENROUTER PROCESSING\n\n" + body.replace("data: ", ": ping\ndata: ")
                .replace("\n\n", "\n\n: keep-alive\n\n")),
        CRLF_WITH_COMMENTS(body -> COMMENTS.apply(body).replace("\n", "\r\n"));

        private final UnaryOperator<String> transform;

        Variant(UnaryOperator<String> transform) {
            this.transform = transform;
        }

        public String apply(String body) {
            return transform.apply(body);
        }

        public byte[] apply(byte[] body) {
            return apply(new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Returns {@code [0, split)} on the first read and the rest on later reads, as far as each read asks. */
    private static final class SplitSource implements Source {
        private final byte[] bytes;
        private final int split;
        private int position;
        private boolean firstRead = true;

        SplitSource(byte[] bytes, int split) {
            this.bytes = bytes;
            this.split = split;
        }

        @Override
        public long read(Buffer sink, long byteCount) throws IOException {
            if (position == bytes.length) {
                return -1;
            }
            long limit = firstRead ? Math.min(byteCount, split) : byteCount;
            firstRead = false;
            int count = (int) Math.min(limit, bytes.length - position);
            sink.write(bytes, position, count);
            position += count;
            return count;
        }

        @Override
        public Timeout timeout() {
            return Timeout.NONE;
        }

        @Override
        public void close() {}
    }
}
