package io.streamgate.gateway.metrics;

/**
 * Renders an untrusted value (a model name, a conversation id, a tool name, error text: anything from a client, a
 * provider, a model or a tool) for a log line, so that it can neither start a new line nor pose as another key.
 *
 * <p>A value made only of {@code A-Z a-z 0-9 _ . : / @ + -} is written bare ({@code model=gpt-4o}); any other is
 * written in double quotes with {@code "} and {@code \} escaped by a backslash, CR, LF and TAB as {@code \r},
 * {@code \n}, {@code \t}, and every other control character, every non-ASCII character (U+2028 and U+2029
 * included) and DEL as {@code \}{@code uXXXX} (UTF-16 units). A value longer than {@value #MAX_CHARS} characters is
 * cut there and marked {@code ...[+N chars]}, inside the quotes. {@code null} is written {@code -}.
 *
 * <p>So a log line holds only printable ASCII, and a value's end is always clear: a reader (or a log parser using
 * logfmt rules) cannot be fooled by {@code "model":"m\nstream_end tenant=admin"}.
 */
public final class LogValue {

    /** The longest value written whole; longer ones are cut. */
    public static final int MAX_CHARS = 200;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogValue() {}

    /** {@code value} as a bare word when it is one, quoted and escaped otherwise. */
    public static String of(CharSequence value) {
        if (value == null) {
            return "-";
        }
        if (isBare(value)) {
            return value.toString();
        }
        int length = Math.min(value.length(), MAX_CHARS);
        StringBuilder out = new StringBuilder(length + 16).append('"');
        for (int i = 0; i < length; i++) {
            escape(value.charAt(i), out);
        }
        if (value.length() > MAX_CHARS) {
            out.append("...[+").append(value.length() - MAX_CHARS).append(" chars]");
        }
        return out.append('"').toString();
    }

    /**
     * An exception as its class, message and the frame that threw it, escaped. A stack trace is not logged: its
     * lines would carry the message's text unescaped.
     */
    public static String of(Throwable e) {
        if (e == null) {
            return "-";
        }
        StackTraceElement[] trace = e.getStackTrace();
        return of(trace.length == 0 ? e.toString() : e + " at " + trace[0]);
    }

    private static boolean isBare(CharSequence value) {
        int length = value.length();
        if (length == 0 || length > MAX_CHARS) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == ':' || c == '/' || c == '@' || c == '+' || c == '-';
            if (!word) {
                return false;
            }
        }
        return true;
    }

    private static void escape(char c, StringBuilder out) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (c < 0x20 || c >= 0x7f) {
                    out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                            .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                } else {
                    out.append(c);
                }
            }
        }
    }
}
