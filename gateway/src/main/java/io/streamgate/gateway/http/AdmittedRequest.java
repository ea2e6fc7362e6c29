package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * What {@link RequestAdmission} decided for one request head: its normal-form target, its tenant, and whether it may
 * use the admin routes. It is set
 * afresh for every head and taken exactly once by the router, so nothing decided for one request on a keep-alive
 * connection can be read for the next.
 *
 * @param target the request's target in normal form
 * @param tenant the tenant whose key the request carried, or {@link io.streamgate.gateway.auth.ApiKeys#ANONYMOUS}
 * @param admin whether this is an admin route's request that carried the admin key (or came in loopback mode
 *     without one); only such a request is ever routed to an admin route
 */
record AdmittedRequest(RequestPath target, String tenant, boolean admin) {

    private static final AttributeKey<AdmittedRequest> KEY = AttributeKey.valueOf("streamgate.admitted-request");

    AdmittedRequest {
        requireNonNull(target, "target");
        requireNonNull(tenant, "tenant");
    }

    /** A tenant's request (or an anonymous one in loopback mode), for the tenant routes. */
    AdmittedRequest(RequestPath target, String tenant) {
        this(target, tenant, false);
    }

    /** Records this as the decision for the request whose head was just read; {@code null} records none. */
    static void set(Channel channel, AdmittedRequest admitted) {
        channel.attr(KEY).set(admitted);
    }

    /** The decision for the request now complete, or {@code null} if it was not admitted; a second take is null. */
    static AdmittedRequest take(Channel channel) {
        return channel.attr(KEY).getAndSet(null);
    }
}
