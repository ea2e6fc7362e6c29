/**
 * Model routing: which provider deployment serves a request's {@code model} ({@link
 * io.streamgate.gateway.routing.ModelRouter}), for the drop-in endpoints and the conversation API alike.
 */
package io.streamgate.gateway.routing;
