package io.streamgate.llm.openai;

import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.GuardedSink;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamFailures;
import java.io.IOException;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Chat Completions stream: receives okhttp-sse callbacks on the upstream thread and publishes events, and is
 * the {@link UpstreamCall} handed to the gateway.
 *
 * <p>okhttp-sse ends every call with exactly one of {@code onClosed} or {@code onFailure}, also after a cancel and
 * also after {@code [DONE]} has been seen. Each of those maps to a terminal event here, and the {@link GuardedSink}
 * drops all but the first, so the stream ends with one terminal event whatever the order, and with none once
 * cancelled. When the sink refuses an event (the client is gone), the call is cancelled so the thread stops
 * reading; after {@code [DONE]} it is not, so the body is read to its end and the connection goes back to the pool.
 */
final class OpenAiStreamListener extends EventSourceListener implements UpstreamCall {

    private static final Logger log = LoggerFactory.getLogger(OpenAiStreamListener.class);

    private final GuardedSink sink;
    private final OpenAiChunkParser parser;
    private volatile EventSource source;
    private volatile boolean cancelled;
    private boolean opened; // upstream thread only

    OpenAiStreamListener(TokenSink sink) {
        this.sink = new GuardedSink(sink);
        this.parser = new OpenAiChunkParser(this.sink);
    }

    /** Binds the event source that {@link #cancel()} stops; callbacks may already be running. */
    void attach(EventSource eventSource) {
        source = eventSource;
        if (cancelled) {
            eventSource.cancel();
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        sink.close();
        EventSource s = source;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void onOpen(EventSource eventSource, Response response) {
        opened = true;
    }

    @Override
    public void onEvent(EventSource eventSource, String id, String type, String data) {
        boolean more = false;
        if (sink.isOpen()) {
            try {
                more = parser.onData(data);
            } catch (IOException e) {
                fail(UpstreamError.of(ErrorCode.UPSTREAM_ERROR, "upstream sent malformed JSON", false));
            }
        }
        if (!more && !parser.sawDone()) {
            eventSource.cancel(); // refused, failed or cancelled: stop reading the socket now
        }
    }

    @Override
    public void onClosed(EventSource eventSource) {
        fail(UpstreamError.of(ErrorCode.UPSTREAM_ERROR, "upstream stream ended before [DONE]", true));
    }

    @Override
    public void onFailure(EventSource eventSource, Throwable failure, Response response) {
        if (!sink.isOpen()) {
            return; // our own cancel, or the stream had already ended
        }
        fail(classify(failure, response));
    }

    private UpstreamError classify(Throwable failure, Response response) {
        if (response != null && !response.isSuccessful()) {
            return UpstreamFailures.forResponse(response);
        }
        if (response != null && !opened) {
            return new UpstreamError(
                    ErrorCode.UPSTREAM_ERROR,
                    "upstream answered " + UpstreamFailures.sanitize(String.valueOf(response.header("Content-Type")))
                            + " instead of text/event-stream",
                    false,
                    response.code());
        }
        if (failure == null) {
            return UpstreamError.of(ErrorCode.INTERNAL, "upstream call failed without a cause", false);
        }
        return UpstreamFailures.forException(failure, response != null);
    }

    private void fail(UpstreamError error) {
        if (sink.isOpen()) {
            log.debug("upstream call failed: {} (status {}, retryable {})", error.code(), error.httpStatus(), error.retryable());
            sink.publish(new UpstreamEvent.Failed(error));
        }
    }
}
