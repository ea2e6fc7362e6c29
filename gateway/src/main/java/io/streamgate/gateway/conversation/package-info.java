/**
 * Conversations: what the gateway remembers between requests and across restarts.
 *
 * <p>{@link io.streamgate.gateway.conversation.ConversationStore} is the blocking contract (called from the
 * {@link io.streamgate.gateway.conversation.StoreExecutor}'s threads, never from an event loop);
 * {@link io.streamgate.gateway.conversation.SqliteConversationStore} the embedded implementation, and
 * {@link io.streamgate.gateway.conversation.PostgresConversationStore} the one several nodes share
 * ({@code STREAMGATE_DATABASE_URL}), behind a {@link io.streamgate.gateway.conversation.ResilientStore} that keeps
 * running streams' writes while the database is unreachable and refuses new work at once
 * ({@link io.streamgate.gateway.conversation.StoreHealth}).
 * A stream's answer is stored as one {@link io.streamgate.gateway.conversation.AssistantTurn}: its agent steps,
 * their tool results and the final text with its status, all or nothing, so that a stored history can always be
 * replayed to a provider. {@link io.streamgate.gateway.conversation.HistoryWindow} cuts the newest messages so
 * that a window never begins inside a turn, and {@link io.streamgate.gateway.conversation.ConversationJson}
 * writes the {@code GET /api/v1/conversations/{id}} document.
 */
package io.streamgate.gateway.conversation;
