package io.streamgate.gateway.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;

/** What a handler under test wrote to an {@link EmbeddedChannel}. */
public final class Outbound {

    private Outbound() {}

    /** Every buffer written so far, as UTF-8 text, released; pending tasks run first. */
    public static String text(EmbeddedChannel ch) {
        ch.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }
}
