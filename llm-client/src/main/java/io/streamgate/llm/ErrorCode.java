package io.streamgate.llm;

import java.util.Locale;

/** The stable error codes of the {@code error} event. Clients switch on {@link #wireName()}. */
public enum ErrorCode {
    UPSTREAM_UNAVAILABLE,
    UPSTREAM_TIMEOUT,
    UPSTREAM_ERROR,
    RATE_LIMITED,
    OVERLOADED,
    BAD_REQUEST,
    INTERNAL,
    /**
     * A gateway-side code, not a provider's: the node that ran a followed stream stopped renewing its lease (it died
     * or lost Redis); the client resumes, or asks again.
     */
    STREAM_OWNER_LOST;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The snake_case code sent to clients, e.g. {@code upstream_timeout}. */
    public String wireName() {
        return wireName;
    }
}
