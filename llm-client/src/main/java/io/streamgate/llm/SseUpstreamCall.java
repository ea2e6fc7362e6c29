package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okio.AsyncTimeout;
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
 * pool, but only if the body ends within {@link #END_GRACE}: otherwise the call is cancelled and the connection
 * closed, so that no thread is left reading until the provider hangs up. Kept in one class so that every adapter gets
 * these guarantees from the same tested code.
 *
 * <p>It is also the request's {@link SseBodyWatch.Listener}: every read of the body, event or not, is a sign of life
 * passed on to the sink.
 */
public final class SseUpstreamCall extends EventSourceListener implements UpstreamCall, SseBodyWatch.Listener {

    /** How long the body may take to end after the end marker; the Netty transport's default grace too. */
    static final Duration END_GRACE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(SseUpstreamCall.class);

    private final GuardedSink sink;
    private final StreamParser parser;
    private volatile EventSource source;
    private volatile boolean cancelled;
    private boolean opened; // upstream thread only
    private EndGrace endGrace; // upstream thread only; set once the end marker is in
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
            Request.Builder request,
            TokenSink sink,
            Function<? super TokenSink, ? extends StreamParser> parser) {
        requireNonNull(eventSources, "eventSources");
        requireNonNull(request, "request");
        SseUpstreamCall call = new SseUpstreamCall(sink, parser);
        call.attach(eventSources.newEventSource(request.tag(SseBodyWatch.Listener.class, call).build(), call));
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
    public void bodyRead() {
        sink.activity();
    }

    @Override
    public void onEvent(EventSource eventSource, String id, String type, String data) {
        boolean more = StreamParser.deliver(parser, sink, event.set(type, data), this::fail);
        if (more) {
            return;
        }
        if (!parser.reachedEnd()) {
            eventSource.cancel(); // refused, failed or cancelled: stop reading the socket now
        } else if (endGrace == null) {
            endGrace = new EndGrace(eventSource);
            endGrace.timeout(END_GRACE.toNanos(), TimeUnit.NANOSECONDS);
            endGrace.enter();
        }
    }

    @Override
    public void onClosed(EventSource eventSource) {
        bodyDone();
        fail(UpstreamError.of(
                ErrorCode.UPSTREAM_ERROR, "upstream stream ended before " + parser.endMarker(), true));
    }

    @Override
    public void onFailure(EventSource eventSource, Throwable failure, Response response) {
        bodyDone();
        if (!sink.isOpen()) {
            return; // our own cancel, or the stream had already ended
        }
        fail(classify(failure, response));
    }

    /** okhttp-sse's last callback: the body is done with, so the end grace, if running, has nothing left to cut. */
    private void bodyDone() {
        if (endGrace != null) {
            endGrace.exit();
        }
    }

    private UpstreamError classify(Throwable failure, Response response) {
        if (failure instanceof SseBodyWatch.EventTooLargeException tooLarge) {
            return UpstreamFailures.eventTooLarge(tooLarge.maxEventBytes());
        }
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

    /**
     * Cancels the call if the body has not ended {@link #END_GRACE} after the end marker. On okio's watchdog thread,
     * the one OkHttp's own call timeouts use, so no thread waits for it.
     */
    private static final class EndGrace extends AsyncTimeout {
        private final EventSource eventSource;

        EndGrace(EventSource eventSource) {
            this.eventSource = eventSource;
        }

        @Override
        protected void timedOut() {
            log.debug("upstream body did not end within {} ms of the end marker; closing its connection",
                    END_GRACE.toMillis());
            eventSource.cancel();
        }
    }
}
