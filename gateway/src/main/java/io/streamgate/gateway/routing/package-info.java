/**
 * Model routing: which provider deployment serves a request's {@code model} ({@link
 * io.streamgate.gateway.routing.ModelRouter}), for the drop-in endpoints and the conversation API alike. The routes
 * come from {@code STREAMGATE_ROUTES_FILE} ({@link io.streamgate.gateway.routing.RoutesFile}) or, without one, from
 * the single-upstream settings; {@link io.streamgate.gateway.routing.RouteTable} resolves names, aliases and globs,
 * chooses among healthy deployments and keeps their load and cool-downs.
 */
package io.streamgate.gateway.routing;
