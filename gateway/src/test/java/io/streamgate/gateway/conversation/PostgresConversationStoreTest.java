package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.DatabaseUrl;
import io.streamgate.gateway.testing.PostgresProcess;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The contract on a real PostgreSQL server (a fresh database per test), and what is particular to it. */
class PostgresConversationStoreTest extends SharedStoreContract {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private String url;

    @Override
    protected ConversationStore openFresh() {
        url = PostgresProcess.shared().createDatabase();
        return reopen();
    }

    @Override
    protected ConversationStore reopen() {
        return open(url);
    }

    private static PostgresConversationStore open(String url) {
        return PostgresConversationStore.open(DatabaseUrl.parse(url), 4, CONNECT_TIMEOUT, CLOCK);
    }

    @Test
    void nodesStartingTogetherOnANewDatabaseMigrateItOnce() throws Exception {
        String fresh = PostgresProcess.shared().createEmptyDatabase();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PostgresConversationStore>> nodes = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                nodes.add(threads.submit(() -> {
                    start.await();
                    return open(fresh);
                }));
            }
            start.countDown();
            for (Future<PostgresConversationStore> node : nodes) {
                try (PostgresConversationStore opened = node.get()) {
                    opened.claim("c-" + nodes.indexOf(node), "acme");
                }
            }
        }
        try (Connection c = PostgresProcess.connect(fresh);
                ResultSet r = c.createStatement().executeQuery(
                        "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY version")) {
            assertTrue(r.next());
            assertEquals("1", r.getString(1));
            assertTrue(r.getBoolean(2));
            assertFalse(r.next(), "each migration is applied once");
        }
    }

    @Test
    void aNulCharacterWhichPostgresTextCannotHoldIsStoredAsTheReplacementCharacter() {
        store.appendUser("c1", "acme", "a\u0000b");
        store.appendAssistant("c1", AssistantTurn.builder().finish("x\u0000", MessageStatus.COMPLETE, "stop"));
        assertEquals(List.of("a\uFFFDb", "x\uFFFD"), contents(store.find("c1").orElseThrow().messages()));
    }

    @Test
    void anUnreachableServerIsReportedAsUnavailableWithoutThePassword() {
        String unreachable = "postgresql://postgres:s3cret@127.0.0.1:1/nothing";
        ConversationStoreException e = assertThrows(ConversationStoreException.class,
                () -> PostgresConversationStore.open(DatabaseUrl.parse(unreachable), 1, Duration.ofMillis(500), CLOCK));
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
}
