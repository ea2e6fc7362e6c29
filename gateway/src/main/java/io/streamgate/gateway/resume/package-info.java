/**
 * Resume across nodes: each SSE stream's events mirrored to a Redis Stream ({@link
 * io.streamgate.gateway.resume.StreamMirror}), resumed from there on any node ({@link
 * io.streamgate.gateway.resume.RemoteFollower}), and each live stream's owner lease, whose expiry lets another node end
 * the stream for its followers and store its partial answer ({@link io.streamgate.gateway.resume.OwnerReaper}).
 *
 * <p>Nothing here waits on Redis on an event loop: commands are Lettuce's async ones, their results are handed back
 * to the stream's or the client's loop, and store writes run on the {@code StoreExecutor}.
 */
package io.streamgate.gateway.resume;
