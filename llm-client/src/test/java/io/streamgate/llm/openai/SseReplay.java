package io.streamgate.llm.openai;

import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.SseEofGuard;
import java.io.IOException;
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
 * Feeds a body through okhttp-sse's own reader and the real {@link OpenAiStreamListener}, synchronously on the
 * calling thread and without a socket, with the body's bytes arriving in two reads split at a chosen offset.
 * That makes "an event split across reads" reproducible at every offset instead of whenever TCP happens to split.
 */
final class SseReplay {

    private static final MediaType EVENT_STREAM = MediaType.get("text/event-stream");

    private SseReplay() {}

    /** Replays {@code body}, delivering at most {@code firstRead} bytes in the first read. */
    static RecordingSink replay(byte[] body, int firstRead) {
        RecordingSink sink = new RecordingSink();
        Response response = new Response.Builder()
                .request(new Request.Builder().url("http://replay.invalid/v1/chat/completions").build())
                .protocol(Protocol.HTTP_1_1)
                .code(200)
                .message("OK")
                .header("Content-Type", EVENT_STREAM.toString())
                .body(ResponseBody.create(Okio.buffer(new SplitSource(body, firstRead)), EVENT_STREAM, -1))
                .build();
        // As in production, where the client's interceptor applies the guard before okhttp-sse sees the body.
        EventSources.processResponse(SseEofGuard.guard(response), new OpenAiStreamListener(sink));
        return sink;
    }

    static RecordingSink replay(byte[] body) {
        return replay(body, body.length);
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
