package io.streamgate.gateway.routing;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One route as configured: the models it serves and where they go.
 *
 * @param model an exact model name, or a glob ({@code *} any characters, {@code ?} one)
 * @param label the route's name in metrics; {@code model} unless told otherwise
 * @param aliases other names clients may use for this route
 * @param deployments where requests go, at least one
 * @param fallbacks the models (exact names or aliases) whose routes are tried after this one's deployments, in order
 * @param ordered whether the deployments are a priority list (the first healthy one first, as the single-upstream
 *     chain of {@code STREAMGATE_UPSTREAM_URL} is) rather than balanced by weight and load
 */
public record RouteSpec(
        String model,
        String label,
        List<String> aliases,
        List<DeploymentSpec> deployments,
        List<String> fallbacks,
        boolean ordered) {

    public RouteSpec {
        requireNonNull(model, "model");
        requireNonNull(label, "label");
        aliases = List.copyOf(aliases);
        deployments = List.copyOf(deployments);
        fallbacks = List.copyOf(fallbacks);
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("route " + model + " has no deployment");
        }
    }

    /** Whether {@link #model} is a glob rather than one name. */
    public boolean isGlob() {
        return Glob.isGlob(model);
    }
}
