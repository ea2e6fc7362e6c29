package io.streamgate.gateway.testing;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.routing.Deployment;
import io.streamgate.gateway.routing.ModelRouter;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ForwardingTokenSink;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A router that passes everything on and watches threads: a conversation stream asks it for its provider on the
 * client channel's event loop, so the thread of that call is the loop the stream's events should be read on. Each
 * such stream is a {@link Stream}: that thread, the threads its provider calls were started on, and the threads its
 * events were published and its read batches ended on. A sink wrapper like any other in the chain, it forwards the ring's home loop.
 */
public final class LoopWatchingRouter implements ModelRouter {

    /** One stream: where it was launched, where its calls were started, where its events were published. */
    public static final class Stream {
        public final Thread launchedOn = Thread.currentThread();
        public final List<Thread> callsStartedOn = new CopyOnWriteArrayList<>();
        public final List<Thread> publishedOn = new CopyOnWriteArrayList<>();
        public final List<Thread> batchesEndedOn = new CopyOnWriteArrayList<>();

        /** The events published on another thread than the stream's own loop. */
        public long publishedElsewhere() {
            return publishedOn.stream().filter(t -> t != launchedOn).count();
        }

        /** The read batches ended on another thread than the stream's own loop: each costs the bridge a task. */
        public long batchesEndedElsewhere() {
            return batchesEndedOn.stream().filter(t -> t != launchedOn).count();
        }

        /** The calls started on another thread than the stream's own loop (a store thread, a retry's). */
        public long callsStartedElsewhere() {
            return callsStartedOn.stream().filter(t -> t != launchedOn).count();
        }

        @Override
        public String toString() {
            return "launched on " + launchedOn.getName() + ", calls started on "
                    + callsStartedOn.stream().map(Thread::getName).toList() + ", published on "
                    + publishedOn.stream().map(Thread::getName).distinct().toList() + ", batches ended on "
                    + batchesEndedOn.stream().map(Thread::getName).distinct().toList();
        }
    }

    private final ModelRouter delegate;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();

    public LoopWatchingRouter(ModelRouter delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    /** The streams launched so far, in order. */
    public List<Stream> streams() {
        return streams;
    }

    @Override
    public LlmProvider provider(List<Deployment> candidates) {
        LlmProvider provider = delegate.provider(candidates);
        Stream stream = new Stream();
        streams.add(stream);
        return new LlmProvider() {
            @Override
            public String name() {
                return provider.name();
            }

            @Override
            public UpstreamCall stream(ChatRequest request, TokenSink sink) {
                stream.callsStartedOn.add(Thread.currentThread());
                return provider.stream(request, new ForwardingTokenSink() {
                    @Override
                    protected TokenSink delegate() {
                        return sink;
                    }

                    @Override
                    public boolean publish(UpstreamEvent event) {
                        stream.publishedOn.add(Thread.currentThread());
                        return sink.publish(event);
                    }

                    @Override
                    public void batchEnded() {
                        stream.batchesEndedOn.add(Thread.currentThread());
                        sink.batchEnded();
                    }
                });
            }
        };
    }

    @Override
    public List<Deployment> candidates(String model) {
        return delegate.candidates(model);
    }

    @Override
    public String label(String model) {
        return delegate.label(model);
    }

    @Override
    public List<String> models() {
        return delegate.models();
    }

    @Override
    public Lease begin(Deployment deployment) {
        return delegate.begin(deployment);
    }

    @Override
    public void coolDown(Deployment deployment, Duration retryAfter) {
        delegate.coolDown(deployment, retryAfter);
    }

    @Override
    public void succeeded(Deployment deployment) {
        delegate.succeeded(deployment);
    }

    @Override
    public void failed(Deployment deployment, UpstreamError error) {
        delegate.failed(deployment, error);
    }
}
