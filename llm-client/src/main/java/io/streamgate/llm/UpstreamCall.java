package io.streamgate.llm;

/** A running upstream stream. */
public interface UpstreamCall {

    /**
     * Cancels the call and closes its connection. Safe from any thread, idempotent, never blocks.
     * No terminal event is published after a cancel.
     */
    void cancel();
}
