package io.streamgate.gateway.routing;

import java.time.Duration;
import java.util.List;

/**
 * Where a request's {@code model} goes: the drop-in endpoints and the conversation API both ask this. Reads memory
 * only, so it may be called on an event loop.
 */
public interface ModelRouter {

    /**
     * The deployments to try for {@code model}, in order: the chosen healthy deployment of the model's route first,
     * then the route's other deployments and its fallback routes.
     *
     * @param model the client's model name or alias; {@code null} means the default route
     * @return empty when no route matches (the client gets 404 {@code model_not_found})
     */
    List<Deployment> candidates(String model);

    /** The model names and aliases clients may ask for, for {@code GET /v1/models}. */
    List<String> models();

    /** Counts a stream as outstanding on {@code deployment} until the returned lease is closed (exactly once). */
    Lease begin(Deployment deployment);

    /** After a 429 or 529 from {@code deployment}: skip it until {@code retryAfter} has passed. */
    void coolDown(Deployment deployment, Duration retryAfter);

    /** An outstanding stream; closing it twice is harmless. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
