package io.streamgate.gateway.routing;

import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.UpstreamError;
import java.time.Duration;
import java.util.List;

/**
 * Where a request's {@code model} goes: the drop-in endpoints and the conversation API both ask this. Reads memory
 * only, so it may be called on an event loop.
 */
public interface ModelRouter {

    /**
     * The deployments to try for {@code model}, in order: the chosen healthy deployment of the model's route first,
     * then the route's other healthy deployments, then its fallback routes' healthy ones, and last the unhealthy ones
     * (breaker open, or cooling down), so that a request always has something to try.
     *
     * @param model the client's model name or alias; {@code null} means the default route
     * @return empty when no route matches (the client gets 404 {@code model_not_found})
     */
    List<Deployment> candidates(String model);

    /**
     * The metric label for {@code model}: the name of the route that serves it (its model name, or its glob as
     * written), so that a label's values are bounded by the configuration, never by what clients send.
     *
     * @return {@code null} when no route matches
     */
    String label(String model);

    /** The model names and aliases clients may ask for, for {@code GET /v1/models}. */
    List<String> models();

    /**
     * Typed events from {@code candidates} (as {@link #candidates} returned them), tried in order: a failure before
     * the first event moves on to the next, with the retries and per-deployment circuit breakers of the
     * single-upstream chain; each call is an outstanding stream of its deployment while it runs, and a 429 or 529
     * cools its deployment down. The conversation API and translations across dialects use this.
     */
    LlmProvider provider(List<Deployment> candidates);

    /** Counts a stream as outstanding on {@code deployment} until the returned lease is closed (exactly once). */
    Lease begin(Deployment deployment);

    /**
     * After a 429 or 529 from {@code deployment}: skip it until {@code retryAfter} has passed (a default when
     * {@code null}; never longer than the router's maximum).
     */
    void coolDown(Deployment deployment, Duration retryAfter);

    /**
     * A pass-through call to {@code deployment} got the provider's answer head (2xx): its circuit breaker closes.
     * Calls made through {@link #provider} report themselves.
     */
    void succeeded(Deployment deployment);

    /**
     * A pass-through call to {@code deployment} failed: its breaker counts it (unless the request was at fault), it is
     * the deployment's last error in {@code /readyz}, and a 429 or 529 cools it down for its {@code Retry-After}.
     */
    void failed(Deployment deployment, UpstreamError error);

    /** An outstanding stream; closing it twice is harmless. */
    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
