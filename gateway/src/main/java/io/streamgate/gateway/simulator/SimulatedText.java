package io.streamgate.gateway.simulator;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The simulator's answer text: one fixed English paragraph, cut into word tokens and cycled to
 * the requested length, which {@link #wholeSentences(int)} shortens to end on a whole sentence.
 *
 * <p>The text is fixed so that the same request always gets the same answer, byte for byte, which
 * lets tests and the cache compare answers. It opens with "(simulated)" so nobody mistakes it for a
 * model's output, and it contains punctuation, a double quote and non-ASCII words so that every
 * hop's JSON escaping and UTF-8 handling is exercised by ordinary traffic.
 */
final class SimulatedText {

    /** How every simulated answer opens, so nobody mistakes it for a model's output. */
    static final String MARKER = "(simulated)";

    private static final String PARAGRAPH = MARKER + " This answer comes from the built-in simulator, not from a"
            + " real model. A streaming gateway relays tokens as they arrive: the provider writes a word, the"
            + " gateway frames it as a Server-Sent Event, and the browser paints it at once. Latency matters"
            + " more than throughput here; the \"time to first token\" is what a reader feels. A naïve"
            + " gateway buffers the whole answer, while a good one passes each token through, merges small"
            + " ones when the client is slow, and pushes back on the provider when memory runs short. Think"
            + " of it as a café counter: orders go out one by one, as soon as each is ready.";

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** The paragraph's words, each but the first with its leading space, as a model would stream them. */
    private static final List<String> WORDS = tokens(PARAGRAPH);

    /** For each token count {@code k} in 0..WORDS.size(): whether the first {@code k} words end a sentence. */
    private static final boolean[] ENDS_SENTENCE = sentenceEnds(WORDS);

    private SimulatedText() {}

    /** The {@code index}-th token (0-based) of the endless cycled answer. */
    static String token(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative, was " + index);
        }
        String word = WORDS.get(index % WORDS.size());
        // The first word of each later cycle needs the space that the paragraph's first word lacks.
        return index >= WORDS.size() && index % WORDS.size() == 0 ? " " + word : word;
    }

    /**
     * The length of the answer for a limit of {@code limit} tokens: the most tokens, at most {@code limit}, that
     * end on a whole sentence; {@code limit} itself when even the first sentence is longer than that.
     */
    static int wholeSentences(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        int n = WORDS.size();
        int cycles = limit / n;
        for (int rest = limit % n; rest > 0; rest--) {
            if (ENDS_SENTENCE[rest]) {
                return cycles * n + rest;
            }
        }
        return cycles > 0 ? cycles * n : limit; // the paragraph itself ends a sentence
    }

    /** Whether the first {@code count} tokens of the cycled answer end on a whole sentence. */
    static boolean endsSentence(int count) {
        return count > 0 && ENDS_SENTENCE[(count - 1) % WORDS.size() + 1];
    }

    private static boolean[] sentenceEnds(List<String> words) {
        boolean[] ends = new boolean[words.size() + 1];
        for (int k = 1; k <= words.size(); k++) {
            String w = words.get(k - 1);
            char last = w.charAt(w.length() - 1);
            ends[k] = last == '.' || last == '!' || last == '?';
        }
        if (!ends[words.size()]) {
            throw new ExceptionInInitializerError("the paragraph must end a sentence, so that it can be cycled");
        }
        return ends;
    }

    /** The first {@code count} tokens joined: what the streamed chunks concatenate to. */
    static String text(int count) {
        StringBuilder sb = new StringBuilder(count * 7);
        for (int i = 0; i < count; i++) {
            sb.append(token(i));
        }
        return sb.toString();
    }

    /**
     * Roughly how many tokens some prompt text is: its whitespace-separated words. Real tokenizers
     * differ; the figure only has to be plausible and deterministic.
     */
    static int countWords(String s) {
        Objects.requireNonNull(s, "s");
        String trimmed = s.strip();
        return trimmed.isEmpty() ? 0 : WHITESPACE.split(trimmed).length;
    }

    /**
     * Cuts a sentence into word tokens, each but the first with its leading space, so that any
     * simulated text (tool answers too) streams like the paragraph does; empty for blank text.
     */
    static List<String> tokens(String paragraph) {
        String stripped = paragraph.strip();
        if (stripped.isEmpty()) {
            return List.of();
        }
        String[] words = WHITESPACE.split(stripped);
        String[] tokens = new String[words.length];
        for (int i = 0; i < words.length; i++) {
            tokens[i] = i == 0 ? words[i] : " " + words[i];
        }
        return List.of(tokens);
    }
}
