package io.streamgate.llm;

/**
 * Where a provider adapter publishes a stream's events. Implemented by {@link TokenRing}.
 *
 * <p>Called from a single upstream thread. {@link #publish} may park that thread while the consumer is
 * behind: that is how a slow client pushes back on the provider.
 */
public interface TokenSink {

    /**
     * Publishes one event, parking while the sink is full.
     *
     * @return {@code false} once the consumer has gone away; the producer should then stop reading
     */
    boolean publish(UpstreamEvent event);
}
