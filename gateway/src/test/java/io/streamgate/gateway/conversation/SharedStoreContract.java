package io.streamgate.gateway.conversation;

import static io.streamgate.gateway.conversation.ConversationStoreContract.contents;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a store that several gateway nodes open at once on the same data: each "node" here is a second
 * store instance, as another gateway process would open it, so no lock inside one JVM can make these pass; only
 * the database can. (The embedded SQLite file belongs to one process, so it has only {@link ConversationStoreContract}.)
 */
abstract class SharedStoreContract extends ConversationStoreContract {

    private final List<ConversationStore> others = new ArrayList<>();

    @AfterEach
    void closeOtherNodes() {
        others.forEach(ConversationStore::close);
    }

    /** A second node on the same data as {@link #store}, closed after the test. */
    protected ConversationStore otherNode() {
        ConversationStore other = reopen();
        others.add(other);
        return other;
    }

    @Test
    void twoNodesAppendingToOneConversationNumberItWithoutGaps() throws Exception {
        ConversationStore[] nodes = {store, otherNode()};
        int writersPerNode = 4, appendsPerWriter = 10;
        nodes[0].claim("shared", "acme");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ConversationStore node : nodes) {
                for (int w = 0; w < writersPerNode; w++) {
                    done.add(threads.submit(() -> {
                        start.await();
                        for (int i = 0; i < appendsPerWriter; i++) {
                            node.appendUser("shared", "acme", "q");
                            node.appendAssistant("shared", toolTurn());
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        long expected = 2L * writersPerNode * appendsPerWriter * 5;
        for (ConversationStore node : nodes) {
            List<StoredMessage> m = node.find("shared").orElseThrow().messages();
            assertEquals(LongStream.rangeClosed(1, expected).boxed().toList(),
                    m.stream().map(StoredMessage::seq).toList(), "every node sees the one numbering");
        }
    }

    @Test
    void racingClaimsOnTwoNodesLeaveExactlyOneOwner() throws Exception {
        ConversationStore[] nodes = {store, otherNode()};
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int round = 0; round < 20; round++) {
                String id = "race-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> owners = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    ConversationStore node = nodes[t % 2];
                    String tenant = "tenant-" + t;
                    owners.add(threads.submit(() -> {
                        start.await();
                        return node.claim(id, tenant);
                    }));
                }
                start.countDown();
                String owner = owners.getFirst().get();
                for (Future<String> f : owners) {
                    assertEquals(owner, f.get(), "every claimant on either node sees the one owner");
                }
                assertEquals(owner, nodes[1].owner(id).orElseThrow());
            }
        }
    }

    @Test
    void racingFirstMessagesOfTwoTenantsOnTwoNodesStoreOnlyTheWinners() throws Exception {
        ConversationStore[] nodes = {store, otherNode()};
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 20; round++) {
                String id = "first-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> stored = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    ConversationStore node = nodes[t];
                    String tenant = "tenant-" + t;
                    stored.add(threads.submit(() -> {
                        start.await();
                        try {
                            node.appendUser(id, tenant, "hello from " + tenant);
                            return true;
                        } catch (ForeignConversationException e) {
                            return false;
                        }
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Boolean> f : stored) {
                    winners += f.get() ? 1 : 0;
                }
                assertEquals(1, winners, "exactly one tenant's first message is stored");
                Conversation c = store.find(id).orElseThrow();
                assertEquals(List.of("hello from " + c.tenant()), contents(c.messages()));
            }
        }
    }

    @Test
    void aTurnWrittenOnOneNodeIsTheHistoryOnTheOther() {
        ConversationStore other = otherNode();
        store.appendUser("c1", "acme", "What time is it?");
        store.appendAssistant("c1", toolTurn());

        assertEquals(store.find("c1").orElseThrow(), other.find("c1").orElseThrow());
        assertEquals(store.recent("c1", 10), other.recent("c1", 10));
        other.appendUser("c1", "acme", "and now?");
        assertEquals(6, store.find("c1").orElseThrow().messages().getLast().seq());
    }

}
