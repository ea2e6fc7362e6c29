package io.streamgate.gateway.conversation;

/**
 * The conversation exists and belongs to another tenant. The gateway answers it like an unknown conversation
 * would be answered to that tenant, so the message names neither the owner nor anything the owner wrote.
 */
public final class ForeignConversationException extends RuntimeException {
    public ForeignConversationException(String conversationId) {
        super("conversation '" + conversationId + "' belongs to another tenant");
    }
}
