package io.streamgate.gateway.conversation;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the conversation store can be reached, as last seen: an event loop reads it (one volatile read) to refuse
 * new streams and history reads at once while the database is down, instead of sending them to a store thread to
 * wait out a connection timeout. Only {@link ResilientStore} changes it; the embedded store is always up.
 */
public final class StoreHealth {

    private final AtomicBoolean up = new AtomicBoolean(true);
    private volatile Instant since = Instant.now();

    /** True until a call finds the store unreachable, and again once a probe reaches it. */
    public boolean isUp() {
        return up.get();
    }

    /** When the store last went up or down (or, if it never did, when this node started). */
    public Instant since() {
        return since;
    }

    /** Marks the store down; true when it was up (so the caller logs the transition once). */
    boolean markDown() {
        return changed(up.compareAndSet(true, false));
    }

    /** Marks the store up; true when it was down. */
    boolean markUp() {
        return changed(up.compareAndSet(false, true));
    }

    private boolean changed(boolean changed) {
        if (changed) {
            since = Instant.now();
        }
        return changed;
    }
}
