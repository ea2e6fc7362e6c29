package io.streamgate.llm;

/**
 * A sink that wraps another: it forwards the flow-control calls ({@link #aboveMark}, {@link #isFull},
 * {@link #whenBelowMark}, {@link #batchStarted}, {@link #batchEnded}) and {@link #activity} to {@link #delegate()}, so
 * that a wrapper never cuts the consumer's backpressure or its silence watchdog off from the producer. Subclasses
 * decide what {@link #publish} does.
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
}
