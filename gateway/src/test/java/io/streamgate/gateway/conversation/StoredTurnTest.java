package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.stream.StreamRequest;
import io.streamgate.gateway.stream.Transcript;
import io.streamgate.llm.ChatMessage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredTurnTest {

    @TempDir
    Path dir;

    private SqliteConversationStore store;
    private KnownConversations known;
    private HistoryCache history = HistoryCache.withMaxBytes(1 << 20);

    @BeforeEach
    void open() {
        store = SqliteConversationStore.open(dir);
        known = KnownConversations.withCapacity(1_000);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private StoredTurn turn(String id, String message) {
        return new StoredTurn(new StoredTurn.Setup(store, known, history, 10), id, "tenant",
                new StreamRequest(message, null, "be brief", null, null, null));
    }

    /** Conversation "c": a first turn, opened as new, its question and answer stored as the bridge does. */
    private void answerFirstTurn(String question, String answer) {
        StoredTurn first = turn("c", question);
        first.openWithoutStore().orElseThrow();
        first.recordUserMessage();
        first.close(new Transcript(List.of(), answer, List.of(), Transcript.Status.COMPLETE, "stop"));
    }

    @Test
    void aNewConversationOpensWithoutTheStoreAndIsKnownFromThen() {
        var opening = turn("new", "hello").openWithoutStore();

        assertEquals(List.of(ChatMessage.system("be brief"), ChatMessage.user("hello")), opening.orElseThrow());
        assertTrue(known.mightContain("new"));
        assertTrue(turn("new", "again").openWithoutStore().isEmpty(), "the second message reads the store");
    }

    @Test
    void aFollowUpStartsFromTheWindowCachedWhenTheLastTurnWasStoredAndTakesItOut() {
        answerFirstTurn("first question", "first answer");

        StoredTurn second = turn("c", "second question");
        var expected = List.of(ChatMessage.system("be brief"), ChatMessage.user("first question"),
                ChatMessage.assistant("first answer"), ChatMessage.user("second question"));
        assertEquals(expected, second.openWithoutStore().orElseThrow());
        assertEquals(expected, second.open(), "the cached window is the store's");
        assertTrue(turn("c", "racing").openWithoutStore().isEmpty(), "a racing message reads the store");
    }

    @Test
    void anotherTenantNeverGetsACachedWindow() {
        answerFirstTurn("mine", "answer");

        var intruder = new StoredTurn(new StoredTurn.Setup(store, known, history, 10), "c", "intruder",
                new StreamRequest("yours?", null, null, null, null, null));

        assertTrue(intruder.openWithoutStore().isEmpty());
        assertEquals(java.util.Optional.of("tenant"), history.owner("c"), "the owner's window stays cached");
        assertThrows(ForeignConversationException.class, intruder::open, "nor does it read the store's");
    }

    @Test
    void aStoredConversationIsReadFromTheStoreEvenAfterARestart() {
        answerFirstTurn("first question", "first answer");

        known = KnownConversations.withCapacity(1_000); // what a restart starts from
        history = HistoryCache.withMaxBytes(1 << 20);
        store.forEachConversationId(known::add);
        StoredTurn second = turn("c", "second question");

        assertTrue(second.openWithoutStore().isEmpty());
        assertEquals(List.of(ChatMessage.system("be brief"), ChatMessage.user("first question"),
                ChatMessage.assistant("first answer"), ChatMessage.user("second question")), second.open());
    }
}
