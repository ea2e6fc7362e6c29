package io.streamgate.llm.resilience;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.UpstreamError;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed upstream call is tried again, and after how long.
 *
 * <p>Only failures before the first delta are retried (the caller enforces that): connect errors, 429 and 5xx.
 * Backoff is capped exponential with full jitter, so that many streams failing together do not retry together;
 * a provider's {@code Retry-After} is honoured up to {@code maxRetryAfter}.
 *
 * @param maxAttempts passes over the fallback chain, at least 1 (1 means no retry)
 * @param baseBackoff the backoff cap of the first retry; it doubles per retry
 * @param maxBackoff the largest backoff cap
 * @param maxRetryAfter the longest {@code Retry-After} honoured; a longer one ends the retries
 */
public record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    public RetryPolicy {
        requireNonNull(baseBackoff, "baseBackoff");
        requireNonNull(maxBackoff, "maxBackoff");
        requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
    }

    /** 3 attempts, backoff up to 200 ms then 400 ms (capped at 2 s), Retry-After honoured up to 10 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    /** Whether this failure, before any delta, is worth another attempt. */
    public boolean isRetryable(UpstreamError error) {
        return switch (error.code()) {
            case UPSTREAM_UNAVAILABLE, RATE_LIMITED, OVERLOADED -> true;
            case UPSTREAM_ERROR -> error.httpStatus() >= 500;
            default -> false;
        };
    }

    /**
     * The wait before pass {@code nextAttempt} (2 for the first retry), or {@code null} when the provider asked
     * for a longer wait than we are willing to hold a client for.
     */
    public Duration backoff(int nextAttempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) <= 0 ? retryAfter : null;
        }
        long cap = Math.min(maxBackoff.toNanos(), baseBackoff.toNanos() << Math.min(20, nextAttempt - 2));
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(cap + 1));
    }
}
