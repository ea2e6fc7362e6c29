package io.streamgate.gateway.shared;

/** A command not sent because Redis is down: the caller falls back to node-local state. */
public final class RedisUnavailableException extends RuntimeException {

    RedisUnavailableException(RedisHealth.View view) {
        super("redis is " + view.state().name().toLowerCase(java.util.Locale.ROOT)
                + (view.reason() != null ? " (" + view.reason() + ")" : ""), null, false, false);
    }
}
