package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.stream.AnswerStats;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConversationStore} must do, whatever keeps the data: each implementation's test extends this
 * class and says how to open its store. A store that several gateway nodes share extends
 * {@link SharedStoreContract}, which adds what they do at once.
 */
abstract class ConversationStoreContract {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00.123Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ToolCall TIME_CALL = new ToolCall("call_1", "current_time", "{\"timezone\":\"Europe/Paris\"}");
    private static final ToolCall CALC_CALL = new ToolCall("call_2", "calculator", "{\"expression\":\"1+1\"}");

    protected ConversationStore store;

    /** A new, empty store on the clock {@link #CLOCK}; called once per test, before {@link #reopen}. */
    protected abstract ConversationStore openFresh();

    /** A store on the same data as the last {@link #openFresh}, after it was closed: the same node restarted. */
    protected abstract ConversationStore reopen();

    @BeforeEach
    void openStore() {
        store = openFresh();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** A turn with one agent step of two calls, then the final answer. */
    static AssistantTurn toolTurn() {
        return AssistantTurn.builder()
                .step("Let me check.", List.of(TIME_CALL, CALC_CALL))
                .toolResult("call_1", "current_time", "{\"iso_time\":\"2026-05-01T14:00:00+02:00\"}", false)
                .toolResult("call_2", "calculator", "{\"error\":\"nope\"}", true)
                .finish("It is two o'clock.", MessageStatus.COMPLETE, "stop");
    }

    @Test
    void roundTripsAUserMessageAndAToolTurn() {
        store.appendUser("c1", "acme", "What time is it?");
        store.appendAssistant("c1", toolTurn());

        Conversation c = store.find("c1").orElseThrow();
        assertEquals("c1", c.id());
        assertEquals("acme", c.tenant());
        assertEquals(NOW, c.createdAt());
        List<StoredMessage> m = c.messages();
        assertEquals(5, m.size());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), m.stream().map(StoredMessage::seq).toList());
        assertEquals(List.of("user", "assistant", "tool", "tool", "assistant"),
                m.stream().map(StoredMessage::role).toList());
        assertEquals("What time is it?", m.get(0).content());
        assertEquals(List.of(TIME_CALL, CALC_CALL), m.get(1).toolCalls());
        assertEquals("call_2", m.get(3).toolCallId());
        assertEquals("calculator", m.get(3).toolName());
        assertTrue(m.get(3).isError());
        assertFalse(m.get(2).isError());
        assertEquals(MessageStatus.COMPLETE, m.get(4).status());
        assertEquals("stop", m.get(4).finishReason());
        assertEquals(NOW, m.get(4).at());
        assertEquals(ChatMessage.assistant("Let me check.", List.of(TIME_CALL, CALC_CALL)), m.get(1).toChatMessage());
        assertEquals(ChatMessage.toolResult("call_1", "current_time", "{\"iso_time\":\"2026-05-01T14:00:00+02:00\"}"),
                m.get(2).toChatMessage());
        assertEquals(ChatMessage.user("What time is it?"), m.get(0).toChatMessage());
    }

    @Test
    void toolArgumentsComeBackByteForByteEvenWhenNotJson() {
        ToolCall odd = new ToolCall("x", "calculator", "{\"expression\": \"1+\u00e9\" , broken");
        store.appendUser("c1", "acme", "hi");
        store.appendAssistant("c1", AssistantTurn.builder().step("", List.of(odd))
                .toolResult("x", "calculator", "{}", false).finish("ok", MessageStatus.COMPLETE, "stop"));
        assertEquals(odd, store.find("c1").orElseThrow().messages().get(1).toolCalls().getFirst());
    }

    @Test
    void historySurvivesCloseAndReopen() {
        store.appendUser("c1", "acme", "remember me");
        store.appendAssistant("c1", toolTurn());
        List<StoredMessage> before = store.find("c1").orElseThrow().messages();
        store.close();

        store = reopen();
        assertEquals(before, store.find("c1").orElseThrow().messages());
        store.appendUser("c1", "acme", "again");
        assertEquals(6, store.find("c1").orElseThrow().messages().getLast().seq());
    }

    @Test
    void thinkingAndTheAnswersFiguresAreStoredForDisplayButNeverSentToTheProvider() {
        AnswerStats stats = new AnswerStats(42, 12, 9, 1.25, 61);
        store.appendUser("c1", "acme", "Think: what time is it?");
        store.appendAssistant("c1", AssistantTurn.builder()
                .step("", "I should ask the clock.", List.of(TIME_CALL))
                .toolResult("call_1", "current_time", "{\"iso_time\":\"2026-05-01T14:00:00+02:00\"}", false)
                .finish("It is two o'clock.", MessageStatus.COMPLETE, "stop", "Now I can answer.", stats));

        List<StoredMessage> m = store.find("c1").orElseThrow().messages();
        assertEquals("I should ask the clock.", m.get(1).thinking());
        assertEquals(null, m.get(1).stats(), "a step has no figures");
        assertEquals("Now I can answer.", m.get(3).thinking());
        assertEquals(stats, m.get(3).stats());
        // What the provider is sent is what it was sent before: the displayed thinking is not part of it.
        assertEquals(ChatMessage.assistant("", List.of(TIME_CALL)), m.get(1).toChatMessage());
        assertEquals(ChatMessage.assistant("It is two o'clock."), m.get(3).toChatMessage());
    }

    @Test
    void whetherAnAnswerCameFromTheCacheIsStoredWithItsFigures() {
        store.appendUser("c1", "acme", "again?");
        store.appendAssistant("c1", AssistantTurn.builder().finish("Yes.", MessageStatus.COMPLETE, "stop", null,
                new AnswerStats(3, 7, 1, 0.01, 0, true)));
        store.appendUser("c1", "acme", "and fresh?");
        store.appendAssistant("c1", AssistantTurn.builder().finish("No.", MessageStatus.COMPLETE, "stop", null,
                new AnswerStats(3, 7, 1, 0.5, 40)));
        List<StoredMessage> m = store.find("c1").orElseThrow().messages();
        assertTrue(m.get(1).stats().cached());
        assertFalse(m.get(3).stats().cached());
    }

    @Test
    void unknownConversationIsEmpty() {
        assertTrue(store.find("nope").isEmpty());
        assertEquals(List.of(), store.recent("nope", 10));
    }

    @Test
    void anotherTenantCannotAppendAndNothingIsWritten() {
        store.appendUser("c1", "acme", "mine");
        ForeignConversationException e =
                assertThrows(ForeignConversationException.class, () -> store.appendUser("c1", "evil", "yours?"));
        assertFalse(e.getMessage().contains("acme"));
        Conversation c = store.find("c1").orElseThrow();
        assertEquals("acme", c.tenant());
        assertEquals(1, c.messages().size());
    }

    @Test
    void answeringAnUnknownConversationFails() {
        assertThrows(IllegalStateException.class, () -> store.appendAssistant("nope", toolTurn()));
        assertTrue(store.find("nope").isEmpty());
    }

    @Test
    void cutShortAnswersKeepTheirStatus() {
        store.appendUser("c1", "acme", "tell me a story");
        store.appendAssistant("c1", AssistantTurn.builder().finish("Once upon", MessageStatus.PARTIAL, "length"));
        store.appendUser("c1", "acme", "again");
        store.appendAssistant("c1", AssistantTurn.builder().finish("Once", MessageStatus.CANCELLED, null));
        List<StoredMessage> m = store.find("c1").orElseThrow().messages();
        assertEquals(MessageStatus.PARTIAL, m.get(1).status());
        assertEquals("Once upon", m.get(1).content());
        assertEquals("length", m.get(1).finishReason());
        assertEquals(MessageStatus.CANCELLED, m.get(3).status());
        assertEquals(null, m.get(3).finishReason());
    }

    @Test
    void cancelledToolCallsGetErrorResultsSoTheHistoryStaysReplayable() {
        store.appendUser("c1", "acme", "time?");
        store.appendAssistant("c1", AssistantTurn.builder()
                .step("", List.of(TIME_CALL, CALC_CALL))
                .toolResult("call_2", "calculator", "{\"result\":2}", false)
                .finish("", MessageStatus.CANCELLED, null));
        List<StoredMessage> m = store.find("c1").orElseThrow().messages();
        assertEquals(List.of("user", "assistant", "tool", "tool", "assistant"),
                m.stream().map(StoredMessage::role).toList());
        assertEquals("call_1", m.get(3).toolCallId());
        assertTrue(m.get(3).isError());
    }

    @Test
    void recentReturnsTheNewestInOrder() {
        for (int i = 1; i <= 5; i++) {
            store.appendUser("c1", "acme", "q" + i);
            store.appendAssistant("c1", AssistantTurn.builder().finish("a" + i, MessageStatus.COMPLETE, "stop"));
        }
        assertEquals(List.of("q4", "a4", "q5", "a5"), contents(store.recent("c1", 4)));
        assertEquals(10, store.recent("c1", 100).size());
    }

    @Test
    void recentNeverStartsInsideAnAssistantTurn() {
        store.appendUser("c1", "acme", "q1");
        store.appendAssistant("c1", toolTurn()); // seq 2..6: assistant, tool, tool, assistant
        store.appendUser("c1", "acme", "q2"); // seq 7

        // the newest 3: tool, assistant, user -> starts at the user message
        assertEquals(List.of("q2"), contents(store.recent("c1", 3)));
        // the newest 4 start at a tool message: it and the rest of its turn are dropped
        assertEquals(List.of("q2"), contents(store.recent("c1", 4)));
        // the newest 5 start at the assistant that asked for tools: its question is gone, so it goes too
        assertEquals(List.of("q2"), contents(store.recent("c1", 5)));
        // the whole turn fits once its user message does
        List<StoredMessage> all = store.recent("c1", 6);
        assertEquals(List.of("user", "assistant", "tool", "tool", "assistant", "user"),
                all.stream().map(StoredMessage::role).toList());
        assertEquals(2L, all.get(1).seq());
    }

    @Test
    void aWindowWithoutAUserMessageIsEmpty() {
        store.appendUser("c1", "acme", "q1");
        store.appendAssistant("c1", toolTurn());
        assertEquals(List.of(), store.recent("c1", 4));
        assertEquals(5, store.recent("c1", 5).size());
    }

    @Test
    void theWindowMapsToProviderMessagesWithoutEmptyAnswers() {
        store.appendUser("c1", "acme", "q1");
        store.appendAssistant("c1", AssistantTurn.builder()
                .step("", List.of(TIME_CALL))
                .finish("", MessageStatus.CANCELLED, null));
        store.appendUser("c1", "acme", "q2");
        List<ChatMessage> messages = HistoryWindow.toChatMessages(store.recent("c1", 10));
        assertEquals(List.of("user", "assistant", "tool", "user"), messages.stream().map(ChatMessage::role).toList());
        assertEquals(List.of(TIME_CALL), messages.get(1).toolCalls());
    }

    @Test
    void recentRejectsANonPositiveLimit() {
        assertThrows(IllegalArgumentException.class, () -> store.recent("c1", 0));
    }

    @Test
    void findKeepsTheNewestMessagesUpToTheCap() {
        int total = ConversationStore.MAX_FIND_MESSAGES + 5;
        store.appendUser("c1", "acme", "first");
        for (int i = 2; i <= total; i += 2) {
            store.appendAssistant("c1", AssistantTurn.builder().finish("a", MessageStatus.COMPLETE, "stop"));
            store.appendUser("c1", "acme", "q");
        }
        List<StoredMessage> m = store.find("c1").orElseThrow().messages();
        assertEquals(ConversationStore.MAX_FIND_MESSAGES, m.size());
        assertEquals(total, m.getLast().seq());
        assertEquals(total - ConversationStore.MAX_FIND_MESSAGES + 1, m.getFirst().seq());
    }

    @Test
    void concurrentAppendsKeepEachConversationNumberedWithoutGaps() throws Exception {
        int conversations = 4, writersPerConversation = 8, appendsPerWriter = 10;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < conversations; c++) {
                String id = "c" + c;
                for (int w = 0; w < writersPerConversation; w++) {
                    done.add(threads.submit(() -> {
                        start.await();
                        for (int i = 0; i < appendsPerWriter; i++) {
                            store.appendUser(id, "acme", "q");
                            store.appendAssistant(id, toolTurn());
                            store.recent(id, 10);
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
        long expected = (long) writersPerConversation * appendsPerWriter * 5;
        for (int c = 0; c < conversations; c++) {
            List<StoredMessage> m = store.find("c" + c).orElseThrow().messages();
            assertEquals(LongStream.rangeClosed(1, expected).boxed().toList(),
                    m.stream().map(StoredMessage::seq).toList());
            // turns are stored whole: no other writer's message lands inside one
            int turns = 0;
            for (int i = 0; i < m.size(); i++) {
                if (m.get(i).hasToolCalls()) {
                    turns++;
                    assertEquals(List.of("tool", "tool", "assistant"),
                            m.subList(i + 1, i + 4).stream().map(StoredMessage::role).toList());
                    assertFalse(m.get(i + 3).hasToolCalls());
                }
            }
            assertEquals(writersPerConversation * appendsPerWriter, turns);
        }
    }

    @Test
    void racingClaimsOnANewIdLeaveExactlyOneOwner() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int round = 0; round < 50; round++) {
                String id = "race-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> owners = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    String tenant = "tenant-" + t;
                    owners.add(threads.submit(() -> {
                        start.await();
                        return store.claim(id, tenant);
                    }));
                }
                start.countDown();
                String owner = owners.getFirst().get();
                for (Future<String> f : owners) {
                    assertEquals(owner, f.get(), "every claimant sees the one owner");
                }
                assertEquals(owner, store.owner(id).orElseThrow());
                assertEquals(owner, store.claim(id, "late"), "a later claim changes nothing");
            }
        }
    }

    @Test
    void aClaimCreatesAnEmptyConversationThatItsOwnerThenExtends() {
        assertEquals("acme", store.claim("c1", "acme"));
        assertEquals("acme", store.claim("c1", "globex"));
        assertTrue(store.find("c1").orElseThrow().messages().isEmpty());
        store.appendUser("c1", "acme", "hi");
        assertThrows(ForeignConversationException.class, () -> store.appendUser("c1", "globex", "mine?"));
        assertEquals(List.of("hi"), contents(store.find("c1").orElseThrow().messages()));
    }

    @Test
    void pagesWalkTheHistoryBackwardsWithoutGapsOrRepeats() {
        for (int i = 1; i <= 7; i++) {
            store.appendUser("c1", "acme", "m" + i);
        }
        HistoryPage newest = store.page("c1", Long.MAX_VALUE, 3).orElseThrow();
        assertEquals(List.of("m5", "m6", "m7"), contents(newest.conversation().messages()));
        assertTrue(newest.hasMore());
        assertEquals(5, newest.nextBefore());
        HistoryPage middle = store.page("c1", newest.nextBefore(), 3).orElseThrow();
        assertEquals(List.of("m2", "m3", "m4"), contents(middle.conversation().messages()));
        assertTrue(middle.hasMore());
        HistoryPage oldest = store.page("c1", middle.nextBefore(), 3).orElseThrow();
        assertEquals(List.of("m1"), contents(oldest.conversation().messages()));
        assertFalse(oldest.hasMore());
        HistoryPage exact = store.page("c1", 4, 3).orElseThrow();
        assertFalse(exact.hasMore(), "exactly the rest fits: no empty page after it");
        assertEquals("acme", exact.conversation().tenant());
        assertTrue(store.page("nope", Long.MAX_VALUE, 3).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> store.page("c1", 1, 0));
    }

    @Test
    void aClosedStoreRefusesCalls() {
        store.close();
        assertThrows(IllegalStateException.class, () -> store.find("c1"));
        assertThrows(IllegalStateException.class, () -> store.appendUser("c1", "acme", "hi"));
        store.close(); // idempotent
    }

    @Test
    void everyStoredIdIsListed() {
        store.appendUser("a", "acme", "hi");
        store.claim("b", "globex");
        List<String> ids = new ArrayList<>();
        store.forEachConversationId(ids::add);
        assertEquals(List.of("a", "b"), ids.stream().sorted().toList());
    }

    static List<String> contents(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::content).toList();
    }
}
