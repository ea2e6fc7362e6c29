package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import okhttp3.Response;

/**
 * Turns the ways an upstream call can fail into {@link UpstreamError}s a client can act on.
 *
 * <p>The split that matters is {@code retryable}: the gateway retries or falls back to another provider only
 * when the same request might succeed, so an outage, a timeout, a rate limit or overload is retryable and a
 * rejected request or key is not. Messages reach clients, so they carry at most a short, sanitised excerpt of the
 * provider's own message and never a body, a stack trace or anything shaped like a key.
 */
public final class UpstreamFailures {

    /** At most this much of an error body is read; a misbehaving upstream must not make us buffer megabytes. */
    public static final int MAX_ERROR_BODY_BYTES = 8 * 1024;

    static final int MAX_DETAIL_CHARS = 200;

    /**
     * Added to a 404 answer that is not about a model: the provider has no such path, and the usual cause is a base URL
     * without its version path ({@code http://host:11434} instead of {@code http://host:11434/v1}).
     */
    public static final String MISSING_PATH_HINT =
            " (the provider has no such path: check that the upstream URL includes the API version, e.g. /v1)";

    private static final Pattern KEY_LIKE = Pattern.compile("\\b(sk|pk|rk|key|api)[-_][A-Za-z0-9_*.\\-]{6,}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}+");

    private UpstreamFailures() {}

    /** A non-2xx answer. Reads at most {@value #MAX_ERROR_BODY_BYTES} bytes of its body for the provider's message. */
    public static UpstreamError forResponse(Response response) {
        requireNonNull(response, "response");
        String body = null;
        try {
            body = response.peekBody(MAX_ERROR_BODY_BYTES).string();
        } catch (IOException | RuntimeException e) {
            // The status alone still classifies the failure.
        }
        return forResponse(response.code(), body, response.header("Retry-After"));
    }

    /**
     * A non-2xx answer, whatever the transport.
     *
     * @param body at most {@value #MAX_ERROR_BODY_BYTES} bytes of the body as text, or {@code null} if unread
     * @param retryAfter the {@code Retry-After} header, or {@code null}
     */
    public static UpstreamError forResponse(int status, String body, String retryAfter) {
        ProviderError providerError = null;
        try {
            providerError = body == null ? null : ProviderError.parseBody(body);
        } catch (RuntimeException e) {
            // The status alone still classifies the failure.
        }
        UpstreamError error = forStatus(status, providerError == null ? null : providerError.message());
        if (status == 404 && !aboutAModel(providerError)) {
            error = new UpstreamError(error.code(), error.message() + MISSING_PATH_HINT, error.retryable(), 404);
        }
        Duration parsed = retryAfter(retryAfter);
        return parsed == null ? error : error.withRetryAfter(parsed);
    }

    /** OpenAI, vLLM, Ollama and Anthropic all answer an unknown model with a 404 whose error mentions the model. */
    private static boolean aboutAModel(ProviderError error) {
        if (error == null) {
            return false;
        }
        String text = (error.type() + " " + error.code() + " " + error.message()).toLowerCase(Locale.ROOT);
        return text.contains("model");
    }

    /** {@code Retry-After} in delta-seconds (the form providers use); an HTTP date or garbage is ignored. */
    static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Classifies an HTTP status; {@code detail} is the provider's message or {@code null}. */
    public static UpstreamError forStatus(int status, String detail) {
        String message = "upstream returned HTTP " + status + suffix(detail);
        return switch (status) {
            case 429 -> new UpstreamError(ErrorCode.RATE_LIMITED, message, true, status);
            case 503, 529 -> new UpstreamError(ErrorCode.OVERLOADED, message, true, status);
            case 408 -> new UpstreamError(ErrorCode.UPSTREAM_TIMEOUT, message, true, status);
            case 400, 404, 413, 422 -> new UpstreamError(ErrorCode.BAD_REQUEST, message, false, status);
            default -> status >= 500 && status <= 599
                    ? new UpstreamError(ErrorCode.UPSTREAM_UNAVAILABLE, message, true, status)
                    : new UpstreamError(ErrorCode.UPSTREAM_ERROR, message, false, status);
        };
    }

    /**
     * An I/O failure.
     *
     * @param responseStarted whether response headers had arrived; before that, a failure means the upstream is
     *     unreachable, after it the stream broke off
     */
    public static UpstreamError forException(Throwable failure, boolean responseStarted) {
        requireNonNull(failure, "failure");
        if (isTimeout(failure)) {
            return UpstreamError.of(
                    ErrorCode.UPSTREAM_TIMEOUT,
                    responseStarted ? "upstream went silent longer than the read timeout" : "upstream did not answer in time",
                    true);
        }
        if (!responseStarted) {
            return UpstreamError.of(
                    ErrorCode.UPSTREAM_UNAVAILABLE,
                    "upstream unreachable (" + failure.getClass().getSimpleName() + ")",
                    true);
        }
        if (failure instanceof IOException) {
            return UpstreamError.of(ErrorCode.UPSTREAM_ERROR, "upstream connection broke off mid-stream", true);
        }
        return UpstreamError.of(ErrorCode.INTERNAL, "internal error while reading the upstream stream", false);
    }

    /**
     * One SSE event (or line) over the transport's cap: the provider's fault, and the same request would bring the same
     * answer, so not retryable.
     */
    public static UpstreamError eventTooLarge(int maxEventBytes) {
        return UpstreamError.of(ErrorCode.UPSTREAM_ERROR, "upstream sent an event over " + maxEventBytes + " bytes", false);
    }

    /**
     * An error the provider reported inside a 200 stream, classified by its {@code code} (when it is an HTTP status)
     * or by words in its {@code type} and {@code code}: the guess that fits the many OpenAI-compatible servers.
     */
    public static UpstreamError forProviderError(ProviderError error) {
        requireNonNull(error, "error");
        int status = parseStatus(error.code());
        if (status > 0) {
            UpstreamError byStatus = forStatus(status, detail(error));
            return forProviderError(error, byStatus.code(), byStatus.retryable());
        }
        String kind = ((error.type() == null ? "" : error.type()) + ' ' + (error.code() == null ? "" : error.code()))
                .toLowerCase(Locale.ROOT);
        if (kind.contains("rate_limit") || kind.contains("too_many_requests")) {
            return forProviderError(error, ErrorCode.RATE_LIMITED, true);
        }
        if (kind.contains("overloaded")) {
            return forProviderError(error, ErrorCode.OVERLOADED, true);
        }
        boolean transientFault = kind.contains("server_error") || kind.contains("api_error")
                || kind.contains("internal") || kind.contains("unavailable") || kind.contains("timeout");
        return forProviderError(error, ErrorCode.UPSTREAM_ERROR, transientFault);
    }

    /**
     * An in-stream error that its adapter has already classified (a provider with a fixed set of error types).
     * Builds the same client-safe message as {@link #forProviderError(ProviderError)}.
     */
    public static UpstreamError forProviderError(ProviderError error, ErrorCode code, boolean retryable) {
        requireNonNull(error, "error");
        requireNonNull(code, "code");
        return UpstreamError.of(code, "upstream reported an error" + suffix(detail(error)), retryable);
    }

    private static String detail(ProviderError error) {
        return error.message() != null ? error.message() : error.type();
    }

    /** Cuts a provider's message to a safe, single-line excerpt: control characters and key-like tokens removed. */
    public static String sanitize(String text) {
        if (text == null) {
            return "";
        }
        String clean = CONTROL.matcher(text).replaceAll(" ").strip();
        clean = KEY_LIKE.matcher(clean).replaceAll("[redacted]");
        return clean.length() <= MAX_DETAIL_CHARS ? clean : clean.substring(0, MAX_DETAIL_CHARS) + "…";
    }

    private static String suffix(String detail) {
        String clean = sanitize(detail);
        return clean.isEmpty() ? "" : ": " + clean;
    }

    private static boolean isTimeout(Throwable failure) {
        // OkHttp reports its own call and read deadlines as InterruptedIOException("timeout").
        return failure instanceof SocketTimeoutException
                || (failure instanceof InterruptedIOException && "timeout".equals(failure.getMessage()));
    }

    private static int parseStatus(String code) {
        if (code == null || code.length() != 3) {
            return 0;
        }
        try {
            int status = Integer.parseInt(code);
            return status >= 400 && status <= 599 ? status : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
