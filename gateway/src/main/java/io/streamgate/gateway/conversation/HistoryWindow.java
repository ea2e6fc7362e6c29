package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatMessage;
import java.util.List;

/**
 * Cuts the newest-N slice of a history so that it can be sent to a provider.
 *
 * <p>A slice taken from the end of a conversation can only be cut at its start, and a cut inside an assistant
 * turn leaves tool results whose call is gone (OpenAI and Anthropic both reject those) or an assistant reply
 * whose question is gone (Anthropic also requires the first message to be the user's). So the window starts at
 * its first user message: leading {@code tool} messages, and the assistant messages of a turn whose question was
 * cut off, are dropped. Every store implementation shares this rule.
 */
public final class HistoryWindow {

    private HistoryWindow() {}

    /** {@code newest} (oldest first) from its first user message on; empty when it holds none. */
    public static List<StoredMessage> startAtUserMessage(List<StoredMessage> newest) {
        requireNonNull(newest, "newest");
        for (int i = 0; i < newest.size(); i++) {
            if (newest.get(i).role().equals(NewMessage.USER)) {
                return List.copyOf(newest.subList(i, newest.size()));
            }
        }
        return List.of();
    }

    /**
     * The window as provider messages. Assistant answers that carry neither text nor tool calls (a stream
     * cancelled or failed before its first token) are left out: they tell the model nothing, and some providers
     * reject empty assistant content. Every tool result still follows its call, so the result stays valid.
     */
    public static List<ChatMessage> toChatMessages(List<StoredMessage> window) {
        requireNonNull(window, "window");
        return window.stream()
                .filter(m -> !(m.role().equals(NewMessage.ASSISTANT) && m.content().isEmpty() && !m.hasToolCalls()))
                .map(StoredMessage::toChatMessage)
                .toList();
    }
}
