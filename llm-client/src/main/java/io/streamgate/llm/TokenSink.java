package io.streamgate.llm;

import java.util.concurrent.Executor;

/**
 * Where a provider adapter publishes a stream's events. Implemented by {@link TokenRing}.
 *
 * <p>Called from a single upstream thread. {@link #publish} may park that thread while the consumer is
 * behind: that is how a slow client pushes back on the provider. A producer on an event loop must not park: it
 * checks {@link #aboveMark()} before each event and stops reading until {@link #whenBelowMark} calls it back.
 *
 * <p>A producer on an event loop also brackets each read batch with {@link #batchStarted()} and
 * {@link #batchEnded()}: its publishes in between wake nobody, and the consumer takes them at the batch's end, on
 * the producer's thread when that is its own (the Netty transport reads a provider on the client channel's loop).
 *
 * <p>A consumer that lives on an event loop says so through {@link #home()}, so that such a producer reads on that
 * loop whichever thread opened the call (a store thread, a retry after its backoff).
 */
public interface TokenSink {

    /**
     * Publishes one event, parking while the sink is full.
     *
     * @return {@code false} once the consumer has gone away; the producer should then stop reading
     */
    boolean publish(UpstreamEvent event);

    /**
     * Whether the consumer is behind: a producer that must not park (one reading on an event loop) stops reading
     * until {@link #whenBelowMark} calls it back. Wrappers forward this; the default never asks anyone to stop.
     */
    default boolean aboveMark() {
        return false;
    }

    /** Whether {@link #publish} would park now. Wrappers forward this. */
    default boolean isFull() {
        return false;
    }

    /**
     * A batch of publishes begins (one read of the provider's socket): they need not wake the consumer one by one,
     * because {@link #batchEnded()} follows. Only for a producer that never parks. Wrappers forward this.
     */
    default void batchStarted() {}

    /**
     * The batch that {@link #batchStarted()} began is over: the consumer takes what it published now, inline when
     * the producer runs on the consumer's own thread, else through one wake-up. Must follow every
     * {@link #batchStarted()}, also when the stream ends in the batch. Wrappers forward this.
     */
    default void batchEnded() {}

    /**
     * Runs {@code resume} once, on any thread, when {@link #aboveMark()} has turned false or the sink has closed;
     * at once if that is already so. Only one callback is kept: a later call replaces an earlier one.
     */
    default void whenBelowMark(Runnable resume) {
        resume.run();
    }

    /**
     * The provider sent something: any bytes of the body, whether or not they make an event (a ping, a comment, a
     * piece of a tool call's arguments, a usage-only chunk). The consumer's silence watchdog counts it as the
     * provider being alive. Transports call it once per read, so it must be cheap and must not block. Wrappers
     * forward it; the default ignores it.
     */
    default void activity() {}

    /**
     * Where the consumer runs: the event loop it drains on, or {@code null} for no preference. A transport that reads
     * on event loops reads the call on this one when it is one of its own, whichever thread starts the call, so that
     * the consumer takes each batch inline instead of through a task. Wrappers forward this.
     */
    default Executor home() {
        return null;
    }
}
