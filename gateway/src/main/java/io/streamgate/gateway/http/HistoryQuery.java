package io.streamgate.gateway.http;

import java.util.List;
import java.util.Map;

/**
 * The query of {@code GET /api/v1/conversations/{id}}: {@code limit}, how many messages (1 to {@link #MAX_LIMIT},
 * default {@link #DEFAULT_LIMIT}), and {@code before}, a message {@code seq}: only older messages are returned
 * (absent: from the newest).
 */
record HistoryQuery(int limit, long before) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    /** @throws IllegalArgumentException naming the parameter, when a value is not a number in range */
    static HistoryQuery parse(Map<String, List<String>> parameters) {
        long limit = number(parameters, "limit", DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        long before = number(parameters, "before", Long.MAX_VALUE);
        if (before < 1) {
            throw new IllegalArgumentException("before must be a positive message seq");
        }
        return new HistoryQuery((int) limit, before);
    }

    private static long number(Map<String, List<String>> parameters, String name, long fallback) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + " must be given once");
        }
        String v = values.getFirst();
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(name + " must be a positive integer");
        }
        return Long.parseLong(v);
    }
}
