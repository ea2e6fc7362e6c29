package io.streamgate.gateway;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ForwardingTokenSink;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamFailures;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator, in the log, when an upstream answers its chat path with 404 for a reason other than an unknown
 * model: the base URL in {@code STREAMGATE_UPSTREAM_URL} then nearly always lacks its version path ({@code /v1}).
 * The client's error event says the same without the setting's name. At most one line a minute per upstream, since a
 * wrong URL fails every request.
 */
final class NotFoundWarning implements LlmProvider {

    private static final Logger log = LoggerFactory.getLogger(NotFoundWarning.class);
    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final LlmProvider adapter;
    private final String upstream;
    private final String setting;
    private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());

    /**
     * @param upstream how the log names the upstream: no credentials, no query
     * @param setting the setting that configured its URL
     */
    NotFoundWarning(LlmProvider adapter, String upstream, String setting) {
        this.adapter = requireNonNull(adapter, "adapter");
        this.upstream = requireNonNull(upstream, "upstream");
        this.setting = requireNonNull(setting, "setting");
    }

    @Override
    public String name() {
        return adapter.name();
    }

    @Override
    public UpstreamCall stream(ChatRequest request, TokenSink sink) {
        requireNonNull(sink, "sink");
        return adapter.stream(request, new Watching(sink));
    }

    /** Passes everything on, backpressure included, and warns on the way. */
    private final class Watching extends ForwardingTokenSink {
        private final TokenSink sink;

        Watching(TokenSink sink) {
            this.sink = sink;
        }

        @Override
        protected TokenSink delegate() {
            return sink;
        }

        @Override
        public boolean publish(UpstreamEvent event) {
            if (event instanceof UpstreamEvent.Failed failed
                    && failed.error().message().endsWith(UpstreamFailures.MISSING_PATH_HINT)) {
                warn();
            }
            return sink.publish(event);
        }

    }

    private void warn() {
        long now = System.nanoTime();
        long next = nextWarning.get();
        if (now - next >= 0 && nextWarning.compareAndSet(next, now + INTERVAL_NANOS)) {
            log.warn("{}: {} answered HTTP 404 to its chat path; check that the URL includes the "
                    + "API version path, e.g. /v1", setting, upstream);
        }
    }

    @Override
    public String toString() {
        return adapter.toString();
    }
}
