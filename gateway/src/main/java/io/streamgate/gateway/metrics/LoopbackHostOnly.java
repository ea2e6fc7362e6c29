package io.streamgate.gateway.metrics;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.streamgate.gateway.http.LoopbackHost;

/**
 * Refuses (403) a scrape of a metrics port that listens on loopback unless its {@code Host} names loopback, so a web
 * page cannot read the metrics through DNS rebinding. The same rule as the client port's in loopback mode.
 */
public final class LoopbackHostOnly extends Authenticator {

    private static final HttpPrincipal LOCAL = new HttpPrincipal("loopback", "metrics");

    @Override
    public Result authenticate(HttpExchange exchange) {
        var hosts = exchange.getRequestHeaders().get("Host");
        boolean loopback = hosts != null && hosts.size() == 1 && LoopbackHost.isLoopback(hosts.getFirst());
        return loopback ? new Success(LOCAL) : new Failure(403);
    }
}
