package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

/** One message of the conversation sent to the provider. Role is {@code system}, {@code user} or {@code assistant}. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        requireNonNull(role, "role");
        requireNonNull(content, "content");
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
