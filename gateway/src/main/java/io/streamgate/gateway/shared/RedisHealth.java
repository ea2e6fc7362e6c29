package io.streamgate.gateway.shared;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis is usable now. Every failed command and every failed probe marks it down; a probe that succeeds marks
 * it up. Each transition is logged once, and listeners hear of it (on the thread that saw it: keep them short).
 * Thread-safe.
 */
public final class RedisHealth {

    /** Redis as this node sees it; {@code CONNECTING} until the first connection attempt ends. */
    public enum State { CONNECTING, UP, DOWN }

    /** What {@code /readyz} shows: the state, since when, and the last failure's reason while down. */
    public record View(State state, Instant since, String reason) {}

    private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);

    private final String where;
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
    private volatile View view;

    /** @param where the server, as logs may show it ({@code host:port}, never a password) */
    RedisHealth(String where) {
        this.where = requireNonNull(where, "where");
        this.view = new View(State.CONNECTING, Instant.now(), null);
    }

    public boolean isUp() {
        return view.state() == State.UP;
    }

    public View view() {
        return view;
    }

    /** Calls {@code listener} with each new state after a transition. */
    public void onTransition(Consumer<State> listener) {
        listeners.add(requireNonNull(listener, "listener"));
    }

    void up() {
        if (transition(State.UP, null)) {
            log.info("redis: reachable at {}; resume, stop and tenant limits are shared across nodes", where);
        }
    }

    void down(Throwable cause) {
        String reason = reason(cause);
        if (transition(State.DOWN, reason)) {
            log.warn("redis: unreachable at {} ({}); resume, stop and tenant limits are node-local until it returns",
                    where, reason);
        }
    }

    private boolean transition(State to, String reason) {
        synchronized (this) { // only orders transitions; no I/O here
            if (view.state() == to) {
                return false;
            }
            view = new View(to, Instant.now(), reason);
        }
        listeners.forEach(l -> l.accept(to));
        return true;
    }

    /** A failure's class and message on one line, without control characters. */
    static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + root.getMessage() : "");
        text = text.replaceAll("\\p{Cntrl}", " ");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
