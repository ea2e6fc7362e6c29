package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KnownConversationsTest {

    @Test
    void anAddedIdIsAlwaysReportedPresent() {
        KnownConversations known = KnownConversations.withCapacity(10_000);
        for (int i = 0; i < 10_000; i++) {
            known.add("conv-" + i);
        }
        for (int i = 0; i < 10_000; i++) {
            assertTrue(known.mightContain("conv-" + i), "no false negatives: conv-" + i);
        }
    }

    @Test
    void unseenIdsAreMostlyReportedAbsentAtCapacity() {
        KnownConversations known = KnownConversations.withCapacity(10_000);
        for (int i = 0; i < 10_000; i++) {
            known.add("conv-" + i);
        }
        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) {
            if (known.mightContain("other-" + i)) {
                falsePositives++;
            }
        }
        // Sized for 1%; the hash is deterministic, so this is a fixed figure, with room for the approximation.
        assertTrue(falsePositives < 2_000, "false positives: " + falsePositives + " of 100000");
    }

    @Test
    void addSaysWhetherTheIdWasCertainlyNew() {
        KnownConversations known = KnownConversations.withCapacity(1_000);
        assertFalse(known.mightContain("a"));
        assertTrue(known.add("a"), "first add of a new id");
        assertFalse(known.add("a"), "a known id is not new");
        assertTrue(known.mightContain("a"));
        assertTrue(known.add("b"));
    }

    @Test
    void ofTwoThreadsRacingToAddTheSameNewIdsAtLeastOneWinsEachAndNoneIsNewAfterwards() throws InterruptedException {
        KnownConversations known = KnownConversations.withCapacity(100_000);
        AtomicInteger wins = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Runnable adder = () -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < 20_000; i++) {
                if (known.add("race-" + i)) {
                    wins.incrementAndGet();
                }
            }
        };
        Thread a = Thread.ofPlatform().start(adder);
        Thread b = Thread.ofPlatform().start(adder);
        go.countDown();
        a.join();
        b.join();
        // Every id is won at least once. Both adds may win when their bit updates interleave; how often depends on
        // the scheduler (it rises on a loaded machine), so it is not bounded here: the store's atomic claim, not
        // this filter, decides who owns a conversation.
        assertTrue(wins.get() >= 20_000, "wins: " + wins.get());
        for (int i = 0; i < 20_000; i++) {
            assertTrue(known.mightContain("race-" + i));
            assertFalse(known.add("race-" + i), "an id added before is never new again");
        }
    }

    @Test
    void capacityMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> KnownConversations.withCapacity(0));
    }

    @Test
    void theDisabledFilterNeverCallsAnIdNew() {
        // Another node may have written any id: none is certainly absent, so every turn reads the store.
        KnownConversations known = KnownConversations.disabled();
        assertFalse(known.add("c1"));
        assertFalse(known.add("c1"));
        assertTrue(known.mightContain("never-seen"));
    }
}
