package io.streamgate.gateway.stream;

/**
 * The figures a stream's {@code complete_state} reported, kept with the stored answer so that a reloaded page
 * shows them again.
 *
 * @param totalTokens completion tokens (the provider's count, or the text deltas when it gave none)
 * @param promptTokens prompt tokens, or -1 when the provider did not say
 * @param totalChunks {@code message_chunk} events written
 * @param elapsedSeconds request accepted to the end of the stream
 * @param firstTokenMs request accepted to the first content written, or -1 when no content was written
 * @param cached whether the answer was replayed from the answer cache ({@code complete_state.cached})
 */
public record AnswerStats(
        long totalTokens, long promptTokens, long totalChunks, double elapsedSeconds, long firstTokenMs,
        boolean cached) {

    public AnswerStats {
        if (totalTokens < 0 || totalChunks < 0 || !(elapsedSeconds >= 0) || promptTokens < -1 || firstTokenMs < -1) {
            throw new IllegalArgumentException("stats out of range: " + totalTokens + ", " + promptTokens + ", "
                    + totalChunks + ", " + elapsedSeconds + ", " + firstTokenMs);
        }
    }

    /** The figures of an answer the provider gave (not the cache). */
    public AnswerStats(long totalTokens, long promptTokens, long totalChunks, double elapsedSeconds, long firstTokenMs) {
        this(totalTokens, promptTokens, totalChunks, elapsedSeconds, firstTokenMs, false);
    }
}
