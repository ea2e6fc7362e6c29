package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream SSE stream, whatever the provider: receives okhttp-sse callbacks on the upstream thread, hands each
 * event to the provider's {@link StreamParser}, and is the {@link UpstreamCall} handed to the gateway.
 *
 * <p>okhttp-sse ends every call with exactly one of {@code onClosed} or {@code onFailure}, also after a cancel and
 * also after the provider's end marker has been seen. Each of those maps to a terminal event here, and the
 * {@link GuardedSink} drops all but the first, so the stream ends with one terminal event whatever the order, and
 * with none once cancelled. When the sink refuses an event (the client is gone), the call is cancelled so the thread
 * stops reading; after the end marker it is not, so the body is read to its end and the connection goes back to the
 * pool. Kept in one class so that every adapter gets these guarantees from the same tested code.
 */
public final class SseUpstreamCall extends EventSourceListener implements UpstreamCall {

    private static final Logger log = LoggerFactory.getLogger(SseUpstreamCall.class);

    private final GuardedSink sink;
    private final StreamParser parser;
    private volatile EventSource source;
    private volatile boolean cancelled;
    private boolean opened; // upstream thread only
    private final SseEvent event = new SseEvent(); // upstream thread only: one view, pointed at each event in turn

    /**
     * @param sink where events go; wrapped in a {@link GuardedSink}
     * @param parser builds the provider's parser around the guarded sink, so it can publish directly
     */
    public SseUpstreamCall(TokenSink sink, Function<? super TokenSink, ? extends StreamParser> parser) {
        requireNonNull(sink, "sink");
        requireNonNull(parser, "parser");
        this.sink = new GuardedSink(sink);
        this.parser = requireNonNull(parser.apply(this.sink), "parser");
    }

    /**
     * Enqueues {@code request} on {@code eventSources} with a new call as its listener, and returns the call.
     * Does no I/O on the caller's thread.
     */
    public static UpstreamCall start(
            EventSource.Factory eventSources,
            Request request,
            TokenSink sink,
            Function<? super TokenSink, ? extends StreamParser> parser) {
        requireNonNull(eventSources, "eventSources");
        requireNonNull(request, "request");
        SseUpstreamCall call = new SseUpstreamCall(sink, parser);
        call.attach(eventSources.newEventSource(request, call));
        return call;
    }

    /** Binds the event source that {@link #cancel()} stops; callbacks may already be running. */
    public void attach(EventSource eventSource) {
        requireNonNull(eventSource, "eventSource");
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
        boolean more = StreamParser.deliver(parser, sink, event.set(type, data), this::fail);
        if (!more && !parser.reachedEnd()) {
            eventSource.cancel(); // refused, failed or cancelled: stop reading the socket now
        }
    }

    @Override
    public void onClosed(EventSource eventSource) {
        fail(UpstreamError.of(
                ErrorCode.UPSTREAM_ERROR, "upstream stream ended before " + parser.endMarker(), true));
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
