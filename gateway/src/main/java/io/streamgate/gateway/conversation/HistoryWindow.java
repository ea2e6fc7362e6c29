package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

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
}
