package io.streamgate.gateway.stream;

import io.streamgate.llm.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/** A turn with no stored history: the system prompt and the message, and nothing kept afterwards. */
record EphemeralTurn(StreamRequest request) implements ConversationTurn {

    @Override
    public List<ChatMessage> open() {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (request.system() != null) {
            messages.add(ChatMessage.system(request.system()));
        }
        messages.add(ChatMessage.user(request.message()));
        return messages;
    }

    @Override
    public void recordUserMessage() {}

    @Override
    public void close(Transcript transcript) {}
}
