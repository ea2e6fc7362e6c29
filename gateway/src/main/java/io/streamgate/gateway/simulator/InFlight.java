package io.streamgate.gateway.simulator;

/**
 * A response that is being written on a connection. The connection's handler holds at most one,
 * and forwards to it the channel events that pacing depends on.
 */
interface InFlight {

    /** Writes what can be written now and schedules the rest on the channel's event loop. */
    void start();

    /** The channel's writability changed; resume if the response paused for it. */
    void writabilityChanged();

    /** The client went away: cancel scheduled work; nothing more may be written. */
    void cancel();
}
