package io.streamgate.gateway.conversation;

/**
 * The store cannot be reached (a connection refused, broken or timed out, the database shutting down), as opposed
 * to a statement that failed: trying again later may succeed.
 */
public final class StoreUnavailableException extends ConversationStoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
