package io.streamgate.gateway.stream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.channel.ChannelFutureListener;

/**
 * Stream journals shared between the nodes of a cluster: each stream's events mirrored where any node can read them,
 * so that a client whose stream runs on another node resumes here. {@link #NONE} when there is nothing to share.
 */
public interface SharedJournals {

    /** Nothing shared: no mirrors, and a resume this node cannot serve finds nothing (204). */
    SharedJournals NONE = new SharedJournals() {
        @Override
        public JournalMirror open(String tenant, String conversationId, EventLoop loop) {
            return null;
        }

        @Override
        public void resume(Channel client, String tenant, String conversationId, long lastSeen) {
            respondAndClose(client, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
        }
    };

    /** A mirror for a stream starting on {@code loop}, or {@code null} when none can be kept now. Never blocks. */
    JournalMirror open(String tenant, String conversationId, EventLoop loop);

    /**
     * Serves a resume of {@code tenant}'s conversation that this node does not run: replays the shared copy after
     * {@code lastSeen} and follows it to its end, or answers 204 (nothing there for this tenant), 410 (the events
     * after that id are gone) or 429 (too many followers). Whatever the answer, the connection closes after it.
     * Called on {@code client}'s event loop; never blocks.
     */
    void resume(Channel client, String tenant, String conversationId, long lastSeen);

    /** Writes a whole response that ends the connection. */
    static void respondAndClose(Channel client, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, false);
        client.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
