package io.streamgate.gateway.conversation;

/** The store itself failed (I/O, a corrupt file, an interrupted wait); not the caller's fault. */
public class ConversationStoreException extends RuntimeException {
    public ConversationStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
