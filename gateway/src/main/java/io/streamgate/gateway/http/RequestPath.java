package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request-target in normal form: the one path that authentication, limits and routing all decide on.
 *
 * <p>Only the origin form is accepted ({@code /path} with an optional {@code ?query}). The path must already be in
 * the form a router would compare, so nothing downstream ever decodes it again:
 *
 * <ul>
 *   <li>no percent-encoding at all: no route needs it, and {@code %61} for {@code a} or {@code %2F} for {@code /}
 *       is how one path is made to look like another;
 *   <li>no empty segment ({@code //}) except a trailing slash, and no {@code .} or {@code ..} segment;
 *   <li>only the characters RFC 3986 allows in a path segment, less {@code ;} (path parameters) and {@code %}: so no
 *       backslash, space, control character, NUL or non-ASCII byte.
 * </ul>
 *
 * The query keeps RFC 3986 percent-encoding (well formed: {@code %} and two hex digits); it is only ever read as
 * parameters, never routed on. Absolute form ({@code http://host/...}), asterisk form ({@code *}), authority form and
 * fragments are refused.
 *
 * @param path the path, starting with {@code /}
 * @param query the raw query after {@code ?}, or the empty string
 */
public record RequestPath(String path, String query) {

    /** The most a valid request-target may be; the HTTP codec already bounds the request line below this. */
    static final int MAX_LENGTH = 8192;

    public RequestPath {
        requireNonNull(path, "path");
        requireNonNull(query, "query");
    }

    /** The normal-form path of {@code target} (a request line's target as the codec read it), or empty if it has none. */
    public static Optional<RequestPath> parse(String target) {
        requireNonNull(target, "target");
        if (target.isEmpty() || target.length() > MAX_LENGTH || target.charAt(0) != '/') {
            return Optional.empty();
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q + 1);
        return isNormalPath(path) && isValidQuery(query) ? Optional.of(new RequestPath(path, query)) : Optional.empty();
    }

    /** The query's parameters, decoded; the path is never decoded. */
    public Map<String, List<String>> parameters() {
        return query.isEmpty() ? Map.of() : new QueryStringDecoder(query, false).parameters();
    }

    private static boolean isNormalPath(String path) {
        // Walks the segments between slashes; path.charAt(0) is '/'.
        int segmentStart = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                int length = i - segmentStart;
                boolean last = i == path.length();
                if (length == 0 && !last) {
                    return false; // "//"
                }
                if (isDotSegment(path, segmentStart, length)) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (!isPathChar(path.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDotSegment(String path, int start, int length) {
        return (length == 1 && path.charAt(start) == '.')
                || (length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.');
    }

    /** RFC 3986 pchar without pct-encoded and without ';'. */
    private static boolean isPathChar(char c) {
        return isUnreserved(c) || switch (c) {
            case '!', '$', '&', '\'', '(', ')', '*', '+', ',', '=', ':', '@' -> true;
            default -> false;
        };
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 query: pchar, '/' and '?', with well-formed percent-encoding; ';' is an ordinary sub-delim here. */
    private static boolean isValidQuery(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= query.length() || !isHex(query.charAt(i + 1)) || !isHex(query.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (!isPathChar(c) && c != ';' && c != '/' && c != '?') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
