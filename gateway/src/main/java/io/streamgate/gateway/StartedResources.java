package io.streamgate.gateway;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * What a gateway has started so far, each with the way to stop it. {@link #close} stops them in the reverse order,
 * so a start that fails partway releases exactly what it had, and a normal close uses the same sequence.
 */
final class StartedResources implements AutoCloseable {

    private final Deque<Runnable> stops = new ArrayDeque<>();

    /** Records {@code resource}, stopped by {@code stop} on {@link #close}; returns it. {@code null} is skipped. */
    <T> T add(T resource, Consumer<? super T> stop) {
        requireNonNull(stop, "stop");
        if (resource != null) {
            stops.push(() -> stop.accept(resource));
        }
        return resource;
    }

    /** Stops everything, newest first. Every stop runs; the first failure is thrown, later ones are suppressed. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (Runnable stop = stops.poll(); stop != null; stop = stops.poll()) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
