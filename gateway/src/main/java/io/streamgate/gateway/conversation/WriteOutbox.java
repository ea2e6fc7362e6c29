package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The writes of streams that ended while the store was unreachable, kept in memory until it returns: per
 * conversation in the order they were made (a question before its answer), conversations in the order their first
 * pending write came. Bounded by an estimate of the bytes the writes hold; a write that does not fit is refused,
 * and the caller says so. Thread-safe; the lock is held for in-memory steps only, never across a store call.
 */
final class WriteOutbox {

    /** A write to replay: one {@link ConversationStore} append. */
    sealed interface Write {

        String conversationId();

        /** About how many bytes this write holds in memory. */
        long bytes();

        void applyTo(ConversationStore store);
    }

    record UserMessage(String conversationId, String tenant, String text) implements Write {
        @Override
        public long bytes() {
            return 64 + 2L * (conversationId.length() + tenant.length() + text.length());
        }

        @Override
        public void applyTo(ConversationStore store) {
            store.appendUser(conversationId, tenant, text);
        }
    }

    record Answer(String conversationId, AssistantTurn turn) implements Write {
        @Override
        public long bytes() {
            long bytes = 64 + 2L * conversationId.length();
            for (NewMessage m : turn.messages()) {
                bytes += 96 + 2L * (m.content().length() + (m.thinking() == null ? 0 : m.thinking().length()));
                for (var call : m.toolCalls()) {
                    bytes += 64 + 2L * (call.name().length() + call.argumentsJson().length());
                }
            }
            return bytes;
        }

        @Override
        public void applyTo(ConversationStore store) {
            store.appendAssistant(conversationId, turn);
        }
    }

    private final long maxBytes;
    private final Map<String, ArrayDeque<Write>> byConversation = new LinkedHashMap<>();
    private long bytes;
    private int size;

    WriteOutbox(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Queues {@code write} behind the conversation's other pending writes; false when it does not fit. */
    synchronized boolean offer(Write write) {
        requireNonNull(write, "write");
        if (bytes + write.bytes() > maxBytes) {
            return false;
        }
        byConversation.computeIfAbsent(write.conversationId(), id -> new ArrayDeque<>()).addLast(write);
        bytes += write.bytes();
        size++;
        return true;
    }

    /** Whether the conversation has writes waiting: then a new write must queue behind them. */
    synchronized boolean hasPending(String conversationId) {
        return byConversation.containsKey(conversationId);
    }

    /**
     * Queues {@code write} if its conversation has writes waiting, so that it is not made before them; empty when
     * nothing waits (the caller writes it itself), else whether it fit.
     */
    synchronized Optional<Boolean> offerIfPending(Write write) {
        return hasPending(write.conversationId()) ? Optional.of(offer(write)) : Optional.empty();
    }

    /** The oldest conversation's first pending write, left in place until {@link #remove}d; empty when none. */
    synchronized Optional<Write> head() {
        Iterator<ArrayDeque<Write>> queues = byConversation.values().iterator();
        return queues.hasNext() ? Optional.of(queues.next().peekFirst()) : Optional.empty();
    }

    /** Removes {@code write}, which {@link #head} returned, once it is written (or given up). */
    synchronized void remove(Write write) {
        ArrayDeque<Write> queue = byConversation.get(write.conversationId());
        if (queue == null || queue.peekFirst() != write) {
            throw new IllegalStateException("not the head of its conversation's writes");
        }
        queue.removeFirst();
        if (queue.isEmpty()) {
            byConversation.remove(write.conversationId());
        }
        bytes -= write.bytes();
        size--;
    }

    /** Writes waiting. */
    synchronized int size() {
        return size;
    }

    /** About how many bytes the waiting writes hold. */
    synchronized long bytes() {
        return bytes;
    }
}
