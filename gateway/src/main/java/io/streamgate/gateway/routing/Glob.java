package io.streamgate.gateway.routing;

/**
 * Model-name globs: {@code *} matches any run of characters, {@code ?} exactly one, everything else itself. Matching
 * is linear-ish (no backtracking regex), so a hostile model name cannot make it slow.
 */
final class Glob {

    private Glob() {}

    static boolean isGlob(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    /** Whether {@code name} matches {@code pattern}: the classic wildcard match with one backtrack point. */
    static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1; // the pattern position after the last '*'
        int resume = 0; // where in name that '*' has matched up to
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = ++p;
                resume = n;
            } else if (star >= 0) {
                p = star;
                n = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
