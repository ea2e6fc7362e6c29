package io.streamgate.llm;

import java.util.concurrent.Executor;

/**
 * A sink that wraps another: it forwards the flow-control calls ({@link #aboveMark}, {@link #isFull},
 * {@link #whenBelowMark}, {@link #batchStarted}, {@link #batchEnded}), {@link #activity} and {@link #home} to
 * {@link #delegate()}, so that a wrapper never cuts the consumer's backpressure, its silence watchdog or its event
 * loop off from the producer. Subclasses decide what {@link #publish} does.
 */
public abstract class ForwardingTokenSink implements TokenSink {

    /** The sink the flow-control calls go to; may change over time (a retry's next attempt, say). */
    protected abstract TokenSink delegate();

    @Override
    public boolean aboveMark() {
        return delegate().aboveMark();
    }

    @Override
    public boolean isFull() {
        return delegate().isFull();
    }

    @Override
    public void whenBelowMark(Runnable resume) {
        delegate().whenBelowMark(resume);
    }

    @Override
    public void activity() {
        delegate().activity();
    }

    @Override
    public void batchStarted() {
        delegate().batchStarted();
    }

    @Override
    public void batchEnded() {
        delegate().batchEnded();
    }

    @Override
    public Executor home() {
        return delegate().home();
    }
}
