package io.streamgate.gateway.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Messages from Redis are parsed to their exact shapes; anything else is dropped. */
class NodeChannelMessagesTest {

    private static final String ID = "00ff00ff00ff00ff";

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aRequestAndAReplyRoundTrip() {
        var request = new NodeChannel.Request(ID, "node-a.1_x", "dGVuYW50.Y29udg");
        assertEquals(request, NodeChannel.Request.parse(request.encode()));
        var reply = new NodeChannel.Reply(ID, "not_streaming");
        assertEquals(reply, NodeChannel.Reply.parse(reply.encode()));
    }

    @Test
    void hostileRequestsAreDropped() {
        String[] hostile = {
            "",
            "hello",
            ID + " node body extra",            // a fourth field
            ID + "  node body",                 // an empty field
            ID.toUpperCase() + " node body",    // ids are lower-case hex
            ID.substring(1) + " node body",     // 15 digits
            ID + "0 node body",                 // 17 digits
            ID + " ../../etc body",             // a node id that could name another channel
            ID + " node:other body",            // ':' would reach another channel's name
            ID + " " + "n".repeat(65) + " body", // a node id over 64 characters
            ID + " node bo\ndy",                // control characters
            ID + " node body\r\n",
            ID + " node b\u00e9dy",             // not ASCII
            ID + " node b{o}dy",                // outside the body's characters
            ID + " node " + "b".repeat(901),    // a body over 900 characters
        };
        for (String h : hostile) {
            assertNull(NodeChannel.Request.parse(ascii(h)), h);
        }
        assertNull(NodeChannel.Request.parse(null));
        assertNull(NodeChannel.Request.parse(new byte[NodeChannel.MAX_MESSAGE_BYTES + 1]), "too long");
        assertNull(NodeChannel.Request.parse(new byte[] {'0', 0, ' '}), "a NUL byte");
    }

    @Test
    void hostileRepliesAreDropped() {
        String[] hostile = {
            "", ID, ID + " ", ID + " stopped extra", ID + " STOPPED", ID + " stop-ped", ID + " " + "a".repeat(33),
            "zzzzzzzzzzzzzzzz stopped", ID + " stopped\n", ID + "\tstopped",
        };
        for (String h : hostile) {
            assertNull(NodeChannel.Reply.parse(ascii(h)), h);
        }
        byte[] huge = new byte[NodeChannel.MAX_MESSAGE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'a');
        assertNull(NodeChannel.Reply.parse(huge));
    }
}
