package io.streamgate.gateway.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamLeaseTest {

    @Test
    void keysCarryAHashOfTenantAndConversationInOneHashTagNeverTheIds() {
        StreamLease lease = StreamLease.create("node-a", "tenant {evil}\r\n", "conv:1");
        String hash = StreamLease.hash("tenant {evil}\r\n", "conv:1");
        assertTrue(hash.matches("[0-9a-f]{32}"), hash);
        assertEquals("sg:rp:{" + hash + "}", lease.pointerKey());
        assertEquals("sg:rs:{" + hash + "}:" + lease.streamId(), lease.streamKey());
        for (String key : new String[] {lease.pointerKey(), lease.streamKey()}) {
            assertFalse(key.contains("evil") || key.contains("conv"), key);
            assertEquals(1, key.chars().filter(c -> c == '{').count(), "one hash tag: one cluster slot per conversation");
        }
    }

    @Test
    void anotherTenantOrConversationGetsOtherKeysAndNoTwoPairsRunTogether() {
        String h = StreamLease.hash("t1", "c1");
        assertEquals(h, StreamLease.hash("t1", "c1"));
        assertNotEquals(h, StreamLease.hash("t2", "c1"));
        assertNotEquals(h, StreamLease.hash("t1", "c2"));
        assertNotEquals(StreamLease.hash("ab", "c"), StreamLease.hash("a", "bc"), "lengths keep the parts apart");
        assertNotEquals(StreamLease.create("n", "t1", "c1").streamId(), StreamLease.create("n", "t1", "c1").streamId());
    }

    @Test
    void theMemberRoundTripsAndNamesTheOwner() {
        StreamLease lease = StreamLease.create("node_a.1", "tenant: ü/\"x\"", "c.1:2");
        String member = lease.member();
        assertTrue(member.startsWith(lease.hash() + ":" + lease.streamId() + ":node_a.1:"), member);
        assertEquals(lease, StreamLease.parse(member));
        assertTrue(StreamLease.parse(member).belongsTo("tenant: ü/\"x\"", "c.1:2"));
        assertFalse(StreamLease.parse(member).belongsTo("other", "c.1:2"));
    }

    @Test
    void malformedMembersAreRefused() {
        String good = StreamLease.create("n", "t", "c").member();
        for (String bad : new String[] {"", "a:b", good + ":extra", good.replaceFirst("^[0-9a-f]", "X"),
                good.substring(0, good.lastIndexOf(':')) + ":!!!", "x".repeat(5000)}) {
            assertThrows(IllegalArgumentException.class, () -> StreamLease.parse(bad), bad);
        }
    }
}
