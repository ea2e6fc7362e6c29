package io.streamgate.gateway.dropin;

import io.netty.buffer.ByteBuf;
import io.streamgate.llm.UpstreamEvent;
import java.io.IOException;

/**
 * Writes a stream's events in the client's dialect. One per stream, used on its event loop. {@link
 * UpstreamEvent.Failed} never reaches it: a failure is written as the dialect's error event ({@link ClientError}).
 */
interface StreamEncoder {

    /**
     * Appends what the client gets for {@code event} (possibly nothing); {@link UpstreamEvent.Completed} ends the
     * stream.
     *
     * @throws IllegalArgumentException when the event cannot be carried in this dialect (the stream then fails)
     */
    void encode(UpstreamEvent event, ByteBuf out) throws IOException;

    /** The pass-through: the provider's own events, as they came. */
    StreamEncoder RAW = (event, out) -> {
        if (event instanceof UpstreamEvent.RawEvent raw) {
            out.writeBytes(raw.bytes());
        }
    };
}
