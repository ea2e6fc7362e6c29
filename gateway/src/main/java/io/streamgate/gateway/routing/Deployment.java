package io.streamgate.gateway.routing;

import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.StreamingPost;
import java.util.Map;

/**
 * One provider endpoint that serves a model: where it is, the dialect it speaks and how the gateway authenticates to
 * it. Its key never leaves the gateway: implementations keep it out of {@code toString}, logs and metrics.
 */
public interface Deployment {

    /** A short name for logs, metrics and {@code /readyz}; never a key. */
    String name();

    Dialect dialect();

    /** The model name sent to the provider (aliases already resolved); {@code null} leaves the request's own. */
    String upstreamModel();

    /**
     * Typed events from this deployment alone, for translation across dialects: one attempt through its circuit
     * breaker, sending {@link #upstreamModel()} when it has one, counted as an outstanding stream while it runs, and
     * cooling the deployment down after a 429 or 529. {@link ModelRouter#provider} chains several, with retries.
     */
    LlmProvider provider();

    /**
     * The provider's streaming request for a body already in this deployment's dialect (the pass-through): its
     * endpoint URL and the gateway's credentials for it, plus {@code headers} (e.g. {@code anthropic-version}).
     */
    StreamingPost passThrough(byte[] body, Map<String, String> headers);
}
