package io.streamgate.gateway.http;

import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.streamgate.gateway.dropin.DropInEndpoints;
import io.streamgate.gateway.routing.Dialect;

/**
 * The dialect a drop-in client's SDK expects its errors in, read from a request head, for the answers given before
 * the router (the body limit, an undecodable body): {@code null} for every other path.
 */
final class ClientDialect {

    private ClientDialect() {}

    static Dialect of(HttpMessage message) {
        if (!(message instanceof HttpRequest request) || !request.decoderResult().isSuccess()) {
            return null; // a head that failed to decode carries no trustworthy path
        }
        return RequestPath.parse(request.uri())
                .map(target -> DropInEndpoints.dialectOf(target.path(), request.headers()))
                .orElse(null);
    }
}
