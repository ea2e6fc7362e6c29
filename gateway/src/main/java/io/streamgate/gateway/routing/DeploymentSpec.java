package io.streamgate.gateway.routing;

import static java.util.Objects.requireNonNull;

/**
 * One deployment as configured: the routes file's entry, or the single-upstream settings.
 *
 * @param name how logs, metrics and {@code /readyz} name it
 * @param dialect the API it speaks
 * @param url its API root, e.g. {@code https://api.openai.com/v1}; never logged whole (it may carry credentials)
 * @param apiKey the key the gateway sends it, or {@code null}; kept out of {@link #toString()}
 * @param model the model name sent to it, or {@code null} to send the request's own
 * @param weight its share of its route's traffic, relative to the route's other deployments (at least 1)
 */
public record DeploymentSpec(String name, Dialect dialect, String url, String apiKey, String model, int weight) {

    public DeploymentSpec {
        requireNonNull(name, "name");
        requireNonNull(dialect, "dialect");
        requireNonNull(url, "url");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1");
        }
    }

    /** The same deployment sending {@code model} when the request's own would go. */
    DeploymentSpec withDefaultModel(String model) {
        return this.model != null || model == null ? this : new DeploymentSpec(name, dialect, url, apiKey, model, weight);
    }

    @Override
    public String toString() {
        return "DeploymentSpec[" + name + ", " + dialect + ", model " + model + ", weight " + weight + "]";
    }
}
