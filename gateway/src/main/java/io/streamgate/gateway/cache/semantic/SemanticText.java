package io.streamgate.gateway.cache.semantic;

/** The text that is embedded for a question: trimmed, every whitespace run one space, at most so many chars. */
public final class SemanticText {

    private SemanticText() {}

    public static String of(String question, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be at least 1, was " + maxChars);
        }
        StringBuilder out = new StringBuilder(Math.min(question.length(), maxChars));
        boolean space = false;
        for (int i = 0; i < question.length() && out.length() < maxChars; ) {
            int cp = question.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
                if (out.length() == maxChars) {
                    break;
                }
            }
            if (out.length() + Character.charCount(cp) > maxChars) {
                break; // never cut a surrogate pair in half
            }
            out.appendCodePoint(cp);
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--;
        }
        return out.substring(0, end);
    }
}
