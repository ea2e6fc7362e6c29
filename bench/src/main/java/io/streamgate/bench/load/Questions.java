package io.streamgate.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The questions the load client asks: short, varied, one topic each (the {@code questions.txt} resource), so that an
 * answer cache sees what a support bot or docs assistant would: an exact key per question, and, for a semantic
 * cache, questions that are not paraphrases of one another (each a real miss when new).
 *
 * <p>Every line is checked when loaded: it must need no JSON escaping (the request bodies are built by
 * concatenation) and appear once.
 */
public final class Questions {

    private static final String RESOURCE = "questions.txt";

    private final List<String> list;

    private Questions(List<String> list) {
        this.list = List.copyOf(list);
    }

    /** The bundled list. */
    public static Questions bundled() {
        try (InputStream in = Objects.requireNonNull(Questions.class.getResourceAsStream(RESOURCE), RESOURCE)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One question a line; blank lines and lines starting with {@code #} are skipped. */
    static Questions parse(String text) {
        List<String> list = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
            for (String line; (line = r.readLine()) != null; ) {
                String q = line.strip();
                if (q.isEmpty() || q.startsWith("#")) {
                    continue;
                }
                if (!q.chars().allMatch(c -> c >= 0x20 && c != '"' && c != '\\')) {
                    throw new IllegalArgumentException("a question must need no JSON escaping: " + q);
                }
                if (!seen.add(q)) {
                    throw new IllegalArgumentException("a question appears twice: " + q);
                }
                list.add(q);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no questions");
        }
        return new Questions(list);
    }

    public int size() {
        return list.size();
    }

    /** The {@code i}-th question, {@code 0 <= i < size()}. */
    public String get(int i) {
        return list.get(i);
    }

    /**
     * The {@code k}-th new question of a sequence in which no text repeats: the list in order, then again with the
     * round appended ({@code "How do I reset my password? (2)"}). Past {@link #size()} a question is still new to an
     * exact cache, but a paraphrase of an earlier one to a semantic cache.
     */
    public String fresh(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must not be negative, was " + k);
        }
        int round = k / list.size();
        String q = list.get(k % list.size());
        return round == 0 ? q : q + " (" + (round + 1) + ")";
    }

    /** Stream {@code i} asks the {@code (i mod distinct)}-th question: after the first {@code distinct}, only repeats. */
    public IntFunction<String> repeating(int distinct) {
        if (distinct < 1 || distinct > list.size()) {
            throw new IllegalArgumentException("distinct must be in 1.." + list.size() + ", was " + distinct);
        }
        return i -> list.get(i % distinct);
    }

    /** Stream {@code i} asks {@link #fresh}{@code (offset + i)}. */
    public IntFunction<String> freshFrom(int offset) {
        return i -> fresh(offset + i);
    }
}
