package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

/**
 * Who and what a stream is, for its log line and metric labels. Never holds prompt or answer text.
 *
 * @param conversationId the conversation from the URL
 * @param tenant the authenticated tenant, or {@code -} when auth is off
 * @param model the requested model, or {@code -} for the provider's default
 * @param provider the first deployment's name
 * @param route the label of the route that serves {@code model}: the {@code model} label of the token metrics
 */
public record StreamTag(String conversationId, String tenant, String model, String provider, String route) {
    public StreamTag {
        requireNonNull(conversationId, "conversationId");
        requireNonNull(tenant, "tenant");
        requireNonNull(model, "model");
        requireNonNull(provider, "provider");
        requireNonNull(route, "route");
    }

    /** A tag whose route is its model. */
    public StreamTag(String conversationId, String tenant, String model, String provider) {
        this(conversationId, tenant, model, provider, model);
    }
}
