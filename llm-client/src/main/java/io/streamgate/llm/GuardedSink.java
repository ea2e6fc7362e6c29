package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

/**
 * Enforces the stream contract on an adapter's behalf: events pass until the first terminal event, the first
 * refusal by the sink, or {@link #close()}; after that nothing does.
 *
 * <p>Why a wrapper: okhttp-sse reports a cancel, a broken socket and the end of a body through the same callbacks
 * that also follow a normal {@code [DONE]}. Checking "already finished?" in one place is what makes "exactly one
 * terminal event, none after cancel" hold for every path, including ones added later.
 */
public final class GuardedSink extends ForwardingTokenSink {

    private final TokenSink delegate;
    private volatile boolean closed;

    public GuardedSink(TokenSink delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    @Override
    protected TokenSink delegate() {
        return delegate;
    }

    @Override
    public boolean publish(UpstreamEvent event) {
        requireNonNull(event, "event");
        if (closed) {
            return false;
        }
        if (event.isTerminal()) {
            closed = true;
        }
        if (!delegate.publish(event)) {
            closed = true;
            return false;
        }
        return true;
    }


    /** Lets nothing through from now on. Idempotent; safe from any thread. */
    public void close() {
        closed = true;
    }

    /** Whether events still pass: no terminal event, no refusal and no close yet. */
    public boolean isOpen() {
        return !closed;
    }
}
