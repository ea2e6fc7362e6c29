package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Why an upstream call failed, in terms a client can act on.
 *
 * @param code the stable code
 * @param message a short description safe to show to clients (never a stack trace or a key)
 * @param retryable whether sending the same request again may succeed
 * @param httpStatus the provider's HTTP status, or 0 when there was none (connect error, in-stream error)
 * @param retryAfter how long the provider asked us to wait ({@code Retry-After}), or {@code null}
 */
public record UpstreamError(ErrorCode code, String message, boolean retryable, int httpStatus, Duration retryAfter) {
    public UpstreamError {
        requireNonNull(code, "code");
        requireNonNull(message, "message");
    }

    public UpstreamError(ErrorCode code, String message, boolean retryable, int httpStatus) {
        this(code, message, retryable, httpStatus, null);
    }

    public static UpstreamError of(ErrorCode code, String message, boolean retryable) {
        return new UpstreamError(code, message, retryable, 0, null);
    }

    /** The same error with the provider's {@code Retry-After}. */
    public UpstreamError withRetryAfter(Duration retryAfter) {
        return new UpstreamError(code, message, retryable, httpStatus, retryAfter);
    }
}
