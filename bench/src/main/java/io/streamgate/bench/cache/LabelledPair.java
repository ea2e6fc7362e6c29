package io.streamgate.bench.cache;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled question pair: {@code same} when one answer serves both (a paraphrase), otherwise a near-miss whose
 * cached answer would be wrong for the other question. The category says what kind of pair it is (a typo, a
 * negation, a reversed direction, ...).
 */
public record LabelledPair(boolean same, String a, String b, String category) {

    /** The labelled set shipped with the bench module. */
    public static final String RESOURCE = "/cache-eval/pairs.tsv";
    static final String HEADER = "label\ta\tb\tcategory";

    public LabelledPair {
        requireNonNull(a, "a");
        requireNonNull(b, "b");
        requireNonNull(category, "category");
    }

    /** The pairs in {@link #RESOURCE}. */
    public static List<LabelledPair> load() {
        try (InputStream in = LabelledPair.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readAllLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses the TSV: the header {@value #HEADER}, then one pair a line ({@code same} or {@code different}, two
     * non-blank questions, a non-blank category). Blank lines are skipped; anything else malformed is an error
     * naming its line.
     */
    public static List<LabelledPair> parse(List<String> lines) {
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw new IllegalArgumentException(
                    "the first line must be the header \"" + HEADER.replace("\t", "\\t") + "\"");
        }
        List<LabelledPair> pairs = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 4) {
                throw new IllegalArgumentException(
                        "line " + (i + 1) + ": 4 tab-separated fields expected, got " + f.length);
            }
            boolean same = switch (f[0]) {
                case "same" -> true;
                case "different" -> false;
                default -> throw new IllegalArgumentException(
                        "line " + (i + 1) + ": the label must be same or different, not \"" + f[0] + "\"");
            };
            for (int k = 1; k < 4; k++) {
                if (f[k].isBlank()) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": field " + (k + 1) + " is empty");
                }
            }
            pairs.add(new LabelledPair(same, f[1], f[2], f[3]));
        }
        return List.copyOf(pairs);
    }
}
