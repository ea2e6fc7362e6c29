package io.streamgate.gateway.stream;

import io.streamgate.llm.ErrorCode;

/**
 * The typed events a client receives, one per SSE message. Field names and meanings are a contract with
 * clients; {@link SseEventEncoder} writes them.
 *
 * <p>{@code sequence} and {@code timestamp} are not stored here: the {@link StreamBridge} stamps them as it
 * writes, because only the writer knows the order.
 */
public sealed interface StreamEvent {

    String type();

    record MessageChunk(String content, int tokenCount, boolean isFinal) implements StreamEvent {
        @Override
        public String type() {
            return "message_chunk";
        }
    }

    record Thinking(String content) implements StreamEvent {
        @Override
        public String type() {
            return "thinking";
        }
    }

    /** {@code toolInputJson} is the complete JSON object the model wrote, embedded raw. */
    record ToolCall(String toolCallId, String toolName, String toolInputJson) implements StreamEvent {
        @Override
        public String type() {
            return "tool_call";
        }
    }

    /** {@code resultJson} is any JSON value, embedded raw. */
    record ToolResult(String toolCallId, String toolName, String resultJson, boolean isError) implements StreamEvent {
        @Override
        public String type() {
            return "tool_result";
        }
    }

    /**
     * The last event of a successful stream. Token counts are {@code -1} when unknown and then written as
     * {@code null}.
     */
    record CompleteState(
            String finalMessage,
            long totalTokens,
            long promptTokens,
            long cacheCreationInputTokens,
            long cacheReadInputTokens,
            int totalChunks,
            double elapsedSeconds,
            String finishReason,
            boolean cached)
            implements StreamEvent {
        @Override
        public String type() {
            return "complete_state";
        }
    }

    /** The last event of a failed stream. */
    record Error(ErrorCode code, String message, boolean retryable) implements StreamEvent {
        @Override
        public String type() {
            return "error";
        }
    }
}
