/**
 * State the nodes of a cluster share on Redis: the connection ({@link io.streamgate.gateway.shared.SharedRedis}) and
 * whether it is usable now ({@link io.streamgate.gateway.shared.RedisHealth}).
 *
 * <p>Everything here is asynchronous: Lettuce runs commands on its own Netty threads and completes futures there.
 * Nothing in this package waits on Redis from a gateway event loop. When Redis is down or slower than
 * {@code STREAMGATE_REDIS_TIMEOUT_MS}, callers fall back to node-local state, and come back by themselves when
 * {@link io.streamgate.gateway.shared.RedisHealth} sees Redis again.
 */
package io.streamgate.gateway.shared;
