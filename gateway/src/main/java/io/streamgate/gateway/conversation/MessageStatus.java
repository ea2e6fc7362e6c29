package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

/** How a stored message came to an end; answers cut short are kept, and marked, rather than lost. */
public enum MessageStatus {
    /** Written whole: every user and tool message, and an answer the provider finished. */
    COMPLETE("complete"),
    /** The answer stopped early for a reason other than an error or a cancel (an answer-size cap, for example). */
    PARTIAL("partial"),
    /** The provider or the gateway failed mid-answer; the text is what arrived before the failure. */
    ERROR("error"),
    /** The client went away or stopped the generation; the text is what arrived before that. */
    CANCELLED("cancelled");

    private final String wireName;

    MessageStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The name stored and shown in JSON. */
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException for a name that is not one of the four */
    public static MessageStatus fromWireName(String name) {
        requireNonNull(name, "name");
        for (MessageStatus s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown message status '" + name + "'");
    }
}
