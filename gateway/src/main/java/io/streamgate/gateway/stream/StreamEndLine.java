package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.metrics.GatewayMetrics.Outcome;
import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.llm.Usage;
import java.util.Locale;

/**
 * The {@code stream_end} line logged once per finished stream: ids, figures and status, never prompt or answer text.
 * Every value that a client, a provider or the configuration chose goes through {@link LogValue}, so the line is
 * one line of printable ASCII whatever those values hold.
 *
 * @param errorCode the wire name of the error that ended the stream, or {@code -}
 * @param finishReason why the answer ended ({@code stop}, {@code max_steps}, {@code cancelled}...), or {@code -}
 * @param firstTokenNanos from acceptance to the first text written, or negative when none was
 * @param elapsedNanos from acceptance to the end
 * @param usage summed over the turn's steps
 * @param steps agent steps taken
 * @param chunks text chunks written
 * @param events events written
 */
record StreamEndLine(
        StreamTag tag,
        Outcome outcome,
        String errorCode,
        String finishReason,
        long firstTokenNanos,
        long elapsedNanos,
        Usage usage,
        int steps,
        long chunks,
        long events) {

    StreamEndLine {
        requireNonNull(tag, "tag");
        requireNonNull(outcome, "outcome");
        requireNonNull(errorCode, "errorCode");
        requireNonNull(usage, "usage");
    }

    String format() {
        return "stream_end conversation=" + LogValue.of(tag.conversationId()) + " tenant=" + LogValue.of(tag.tenant())
                + " model=" + LogValue.of(tag.model()) + " provider=" + LogValue.of(tag.provider())
                + " status=" + outcome.name().toLowerCase(Locale.ROOT)
                + " error_code=" + errorCode + " finish_reason=" + LogValue.of(finishReason)
                + " ttft_ms=" + (firstTokenNanos < 0 ? "-" : millis(firstTokenNanos))
                + " elapsed_ms=" + millis(elapsedNanos)
                + " completion_tokens=" + usage.completionTokens()
                + " prompt_tokens=" + usage.promptTokens() + " steps=" + steps
                + " chunks=" + chunks + " events=" + events;
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
