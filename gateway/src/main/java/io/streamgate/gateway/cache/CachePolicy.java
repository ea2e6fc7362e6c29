package io.streamgate.gateway.cache;

import java.util.Locale;

/**
 * What one request lets the cache do: answer it from the cache ({@code lookup}), and keep its answer ({@code store}).
 *
 * <ul>
 *   <li>{@code "cache": false} in the body: neither;
 *   <li>{@code Cache-Control: no-cache}: no lookup (a fresh answer), which is stored;
 *   <li>{@code Cache-Control: no-store}: a lookup, but the answer is not stored.
 * </ul>
 */
public record CachePolicy(boolean lookup, boolean store) {

    public static final CachePolicy DEFAULT = new CachePolicy(true, true);
    public static final CachePolicy NONE = new CachePolicy(false, false);

    /**
     * @param bodyCache the body's {@code cache} field, or {@code null} when absent
     * @param cacheControl the {@code Cache-Control} request header, or {@code null}
     */
    public static CachePolicy of(Boolean bodyCache, String cacheControl) {
        if (Boolean.FALSE.equals(bodyCache)) {
            return NONE;
        }
        boolean lookup = true;
        boolean store = true;
        if (cacheControl != null) {
            for (String directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
                switch (directive.strip()) {
                    case "no-cache" -> lookup = false;
                    case "no-store" -> store = false;
                    default -> { } // max-age and the rest: not for this cache
                }
            }
        }
        return lookup && store ? DEFAULT : new CachePolicy(lookup, store);
    }

    public boolean any() {
        return lookup || store;
    }
}
