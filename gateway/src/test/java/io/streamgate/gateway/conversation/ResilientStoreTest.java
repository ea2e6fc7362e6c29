package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's behaviour while its database is unreachable, on a real (SQLite) store behind a switch that makes every
 * call fail as an unreachable PostgreSQL's do. The end-to-end test with a PostgreSQL server stopped and started is
 * {@code PostgresDownEndToEndTest}.
 */
class ResilientStoreTest {

    @TempDir
    Path dir;

    private SqliteConversationStore sqlite;
    private Outage outage;
    private final StoreHealth health = new StoreHealth();
    private ResilientStore store;

    @BeforeEach
    void open() {
        open(1 << 20);
    }

    /** A store on the data in {@code dir}, whose writes may wait up to {@code outboxBytes}. */
    private void open(long outboxBytes) {
        sqlite = SqliteConversationStore.open(dir, ConversationStoreContract.CLOCK);
        outage = new Outage(sqlite);
        store = new ResilientStore(outage, outage::ping, "test-db", health, outboxBytes);
    }

    @AfterEach
    void close() {
        outage.end();
        store.close();
    }

    private static AssistantTurn answer(String text) {
        return AssistantTurn.builder().finish(text, MessageStatus.COMPLETE, "stop");
    }

    @Test
    void writesMadeWhileDownWaitAndAreMadeInOrderWhenTheStoreIsBack() {
        store.appendUser("c1", "acme", "q1");
        outage.begin();

        store.appendAssistant("c1", answer("a1")); // finds the outage: waits instead of failing
        assertFalse(health.isUp());
        store.appendUser("c2", "acme", "q2");
        store.appendAssistant("c2", answer("a2")); // an answer needs its question stored first
        store.appendUser("c1", "acme", "q1 again");
        assertEquals(4, store.pendingWrites());
        assertTrue(sqlite.find("c2").isEmpty(), "nothing reached the store meanwhile");

        outage.end();
        Await.until("the waiting writes are made", () -> health.isUp() && store.pendingWrites() == 0);
        assertEquals(List.of("q1", "a1", "q1 again"), contents("c1"));
        assertEquals(List.of("q2", "a2"), contents("c2"));
        assertEquals(0, store.droppedWrites());
        assertEquals(4, store.replayedWrites());
    }

    @Test
    void whileDownReadsAndClaimsFailAtOnceWithoutReachingTheStore() {
        store.appendUser("c1", "acme", "q1");
        outage.begin();
        assertThrows(StoreUnavailableException.class, () -> store.recent("c1", 10)); // finds the outage
        assertFalse(health.isUp());
        int callsBefore = outage.calls.get();

        assertThrows(StoreUnavailableException.class, () -> store.find("c1"));
        assertThrows(StoreUnavailableException.class, () -> store.page("c1", Long.MAX_VALUE, 10));
        assertThrows(StoreUnavailableException.class, () -> store.owner("c1"));
        assertThrows(StoreUnavailableException.class, () -> store.claim("c9", "acme"));
        assertThrows(StoreUnavailableException.class, () -> store.recent("c1", 10));
        assertEquals(callsBefore, outage.calls.get(), "only the probe touches the store while it is down");

        outage.end();
        Await.until("a probe finds the store back", health::isUp);
        assertEquals(List.of("q1"), contents("c1"));
        assertEquals("acme", store.claim("c1", "globex"));
    }

    @Test
    void aWriteThatDoesNotFitIsDroppedCountedAndThrownNeverSilently() {
        store.close();
        open(4 * 1024);
        store.appendUser("c1", "acme", "q1");
        outage.begin();
        store.appendAssistant("c1", answer("short"));

        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> store.appendUser("c1", "acme", "x".repeat(8 * 1024)));
        assertTrue(e.getMessage().contains("question is dropped"), e.getMessage());
        assertEquals(1, store.droppedWrites());
        assertEquals(1, store.pendingWrites(), "what fitted still waits");

        outage.end();
        Await.until("the waiting write is made", () -> store.pendingWrites() == 0);
        assertEquals(List.of("q1", "short"), contents("c1"));
    }

    @Test
    void aWaitingWriteTheStoreRefusesWhenBackIsDroppedAndCountedAndTheRestAreMade() {
        outage.begin();
        store.appendAssistant("nobody", answer("an answer to no question")); // refused once back: no conversation
        store.appendUser("c1", "acme", "q1");

        outage.end();
        Await.until("the waiting writes are done with", () -> store.pendingWrites() == 0);
        assertEquals(1, store.droppedWrites());
        assertEquals(List.of("q1"), contents("c1"));
        assertTrue(sqlite.find("nobody").isEmpty());
    }

    @Test
    void stoppingWhileDownCountsTheWritesThatAreLost() {
        outage.begin();
        store.appendUser("c1", "acme", "q1");
        store.appendAssistant("c1", answer("a1"));

        store.close();
        assertEquals(2, store.droppedWrites());
        store.close(); // idempotent: counted once
        assertEquals(2, store.droppedWrites());
    }

    private List<String> contents(String id) {
        return ConversationStoreContract.contents(sqlite.find(id).orElseThrow().messages());
    }

    /** Every call fails as an unreachable database's do while the outage lasts; counts the calls that get here. */
    private static final class Outage implements ConversationStore {
        private final ConversationStore store;
        private final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();

        Outage(ConversationStore store) {
            this.store = store;
        }

        void begin() {
            down.set(true);
        }

        void end() {
            down.set(false);
        }

        void ping() {
            check();
        }

        private void check() {
            if (down.get()) {
                throw new StoreUnavailableException("connection refused", new java.sql.SQLException("refused", "08001"));
            }
        }

        private <T> T call(java.util.function.Supplier<T> call) {
            calls.incrementAndGet();
            check();
            return call.get();
        }

        @Override
        public Optional<String> owner(String conversationId) {
            return call(() -> store.owner(conversationId));
        }

        @Override
        public Optional<Conversation> find(String conversationId) {
            return call(() -> store.find(conversationId));
        }

        @Override
        public Optional<HistoryPage> page(String conversationId, long beforeSeq, int limit) {
            return call(() -> store.page(conversationId, beforeSeq, limit));
        }

        @Override
        public String claim(String conversationId, String tenant) {
            return call(() -> store.claim(conversationId, tenant));
        }

        @Override
        public void appendUser(String conversationId, String tenant, String text) {
            call(() -> {
                store.appendUser(conversationId, tenant, text);
                return null;
            });
        }

        @Override
        public void appendAssistant(String conversationId, AssistantTurn turn) {
            call(() -> {
                store.appendAssistant(conversationId, turn);
                return null;
            });
        }

        @Override
        public List<StoredMessage> recent(String conversationId, int maxMessages) {
            return call(() -> store.recent(conversationId, maxMessages));
        }

        @Override
        public void forEachConversationId(Consumer<String> action) {
            call(() -> {
                store.forEachConversationId(action);
                return null;
            });
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
