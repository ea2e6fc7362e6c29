package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.ChatMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HistoryCacheTest {

    private static StoredMessage message(long seq, String role, String content) {
        return StoredMessage.of(seq, Instant.EPOCH, role.equals("user")
                ? NewMessage.user(content)
                : NewMessage.answer(content, MessageStatus.COMPLETE, "stop"));
    }

    private static List<StoredMessage> window(int turns) {
        List<StoredMessage> w = new ArrayList<>();
        for (int i = 0; i < turns; i++) {
            w.add(message(2L * i + 1, "user", "q" + i));
            w.add(message(2L * i + 2, "assistant", "a" + i));
        }
        return w;
    }

    @Test
    void aWindowIsTakenOnceByItsOwner() {
        HistoryCache cache = HistoryCache.withMaxBytes(1 << 20);
        cache.put("c", "t", window(1));

        assertTrue(cache.take("c", "other").isEmpty());
        assertEquals(Optional.of(List.of(ChatMessage.user("q0"), ChatMessage.assistant("a0"))), cache.take("c", "t"));
        assertTrue(cache.take("c", "t").isEmpty());
        assertTrue(cache.owner("c").isEmpty());
        assertEquals(1, cache.hits());
        assertEquals(2, cache.misses(), "the other tenant's take and the second take; owner() is not a lookup");
    }

    @Test
    void theWindowReachingFurtherWinsWhateverTheOrderOfPuts() {
        HistoryCache cache = HistoryCache.withMaxBytes(1 << 20);
        cache.put("c", "t", window(2));
        cache.put("c", "t", window(1)); // a turn that ended earlier but was slower to read back

        assertEquals(4, cache.take("c", "t").orElseThrow().size());
    }

    @Test
    void itHoldsNoMoreThanItsBudget() {
        HistoryCache cache = HistoryCache.withMaxBytes(64 * 1024);
        for (int i = 0; i < 1_000; i++) {
            cache.put("c" + i, "t", window(5));
        }
        assertTrue(cache.weightBytes() <= 64 * 1024, "held " + cache.weightBytes());
        assertTrue(cache.weightBytes() > 0);
    }

    @Test
    void aZeroBudgetKeepsNothing() {
        HistoryCache cache = HistoryCache.withMaxBytes(0);
        assertFalse(cache.isEnabled());
        cache.put("c", "t", window(1));
        assertTrue(cache.take("c", "t").isEmpty());
    }
}
