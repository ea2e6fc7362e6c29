package io.streamgate.bench.cache;

import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.cache.CacheSettings;
import io.streamgate.gateway.cache.semantic.Embedder;
import io.streamgate.gateway.cache.semantic.MiniLmEmbedder;
import io.streamgate.gateway.cache.semantic.SemanticText;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The semantic cache's matching, measured on labelled question pairs ({@code make eval}): each question is turned
 * into the text the gateway embeds ({@link SemanticText}), embedded with the gateway's own {@link MiniLmEmbedder},
 * and each pair scored by the cosine similarity of its two vectors. Prints precision and recall for every threshold
 * of the sweep, the threshold the {@link ThresholdRule} chooses and by which step, whether the gateway's default
 * ({@link CacheSettings#DEFAULT_SEMANTIC_THRESHOLD}) is that choice, the errors at it, and a 5-fold
 * cross-validated estimate of the rule on pairs it was not fit to.
 *
 * <p>Options: {@code --pairs FILE} (another TSV in the same format; default the shipped set), {@code --show N}
 * (how many of the worst errors to list; default 12).
 */
public final class SemanticEval {

    private static final int FOLDS = 5;
    private static final long SEED = 15;

    private SemanticEval() {}

    public static void main(String[] args) throws IOException {
        List<LabelledPair> pairs = LabelledPair.load();
        String source = LabelledPair.RESOURCE;
        int show = 12;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> {
                    Path file = Path.of(value(args, ++i, "--pairs"));
                    pairs = LabelledPair.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
                    source = file.toString();
                }
                case "--show" -> show = Integer.parseInt(value(args, ++i, "--show"));
                default -> {
                    System.err.println("usage: SemanticEval [--pairs FILE] [--show N]");
                    System.exit(2);
                }
            }
        }
        report(score(pairs, System.out), source, ThresholdRule.DEFAULT, CacheSettings.DEFAULT_SEMANTIC_THRESHOLD, show,
                System.out);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** Embeds each distinct question (as the gateway's text to embed) once and scores every pair. */
    static List<ScoredPair> score(List<LabelledPair> pairs, PrintStream out) {
        long t0 = System.nanoTime();
        Embedder embedder = new MiniLmEmbedder();
        long loaded = System.nanoTime();
        Map<String, float[]> vectors = new HashMap<>();
        List<ScoredPair> scored = new ArrayList<>(pairs.size());
        for (LabelledPair p : pairs) {
            float[] a = vectors.computeIfAbsent(embedded(p.a()), embedder::embed);
            float[] b = vectors.computeIfAbsent(embedded(p.b()), embedder::embed);
            scored.add(new ScoredPair(p, dot(a, b)));
        }
        long done = System.nanoTime();
        out.printf(Locale.ROOT, "model loaded in %.2f s; %d distinct questions embedded in %.2f s (%.2f ms each)%n",
                (loaded - t0) / 1e9, vectors.size(), (done - loaded) / 1e9, (done - loaded) / 1e6 / vectors.size());
        return scored;
    }

    private static String embedded(String question) {
        return SemanticText.of(question, AnswerCache.SEMANTIC_MAX_CHARS);
    }

    /** The cosine similarity of two unit vectors. */
    static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimensions differ: " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** {@code gatewayDefault}: the gateway's default threshold, compared with the rule's choice. */
    static void report(List<ScoredPair> scored, String source, ThresholdRule rule, double gatewayDefault, int show,
            PrintStream out) {
        long same = scored.stream().filter(p -> p.pair().same()).count();
        out.printf(Locale.ROOT, "%d pairs from %s: %d same (paraphrases), %d different (near-misses and unrelated)%n",
                scored.size(), source, same, scored.size() - same);
        out.printf(Locale.ROOT, "similarity of same pairs: %s%n", spread(scored, true));
        out.printf(Locale.ROOT, "similarity of different pairs: %s%n%n", spread(scored, false));

        Optional<ThresholdRule.Choice> chosen = rule.choose(scored);
        double chosenThreshold = chosen.map(ThresholdRule.Choice::threshold).orElse(Double.NaN);
        out.println("A pair hits when similarity >= threshold. TP: same pair hit (a right answer served); "
                + "FP: different pair hit (a wrong answer served).");
        out.println("FP rate: the share of different pairs hit (unlike precision, independent of the mix of pairs).");
        out.println("threshold   TP   FP   FN   TN  precision  recall   F0.5  FP rate");
        for (Counts c : rule.sweep(scored)) {
            out.printf(Locale.ROOT, "     %.2f  %3d  %3d  %3d  %3d     %s   %s  %s    %s%s%n", c.threshold(),
                    c.truePositives(), c.falsePositives(), c.falseNegatives(), c.trueNegatives(),
                    fmt(c.precision()), fmt(c.recall()), fmt(c.f(0.5)), fmt(c.falsePositiveRate()),
                    c.threshold() == chosenThreshold ? "  <- default" : "");
        }
        out.println();
        Counts reference;
        if (chosen.isPresent()) {
            reference = chosen.get().counts();
            if (chosen.get().precisionMet()) {
                out.printf(Locale.ROOT, "Default threshold: %.2f (step 1, precision target met: the lowest with "
                        + "precision >= %.2f)%n", reference.threshold(), rule.minPrecision());
            } else {
                out.printf(Locale.ROOT, "Default threshold: %.2f (step 2, recall floor: no threshold in the sweep "
                                + "reaches precision %.2f, so the highest with recall >= %.2f)%n",
                        reference.threshold(), rule.minPrecision(), rule.minRecall());
            }
            if (reference.threshold() == gatewayDefault) {
                out.printf(Locale.ROOT, "The gateway's default (CacheSettings.DEFAULT_SEMANTIC_THRESHOLD) is %.2f: "
                        + "the rule's choice.%n", gatewayDefault);
            } else {
                out.printf(Locale.ROOT, "MISMATCH: the gateway's default (CacheSettings.DEFAULT_SEMANTIC_THRESHOLD) "
                        + "is %s, the rule chooses %.2f: set it to %.2f.%n", gatewayDefault, reference.threshold(),
                        reference.threshold());
            }
        } else {
            reference = rule.bestPrecision(scored).orElseThrow();
            out.printf(Locale.ROOT, "No threshold in the sweep reaches precision %.2f nor recall %.2f: there is no "
                    + "default to recommend. Below, the figures at the threshold with the best precision, %.2f.%n",
                    rule.minPrecision(), rule.minRecall(), reference.threshold());
        }
        out.printf(Locale.ROOT, "At %.2f: precision %s, recall %s (%d of %d paraphrases hit; %d of %d near-misses "
                        + "served a wrong answer)%n%n",
                reference.threshold(), fmt(reference.precision()), fmt(reference.recall()), reference.truePositives(),
                reference.truePositives() + reference.falseNegatives(), reference.falsePositives(),
                reference.falsePositives() + reference.trueNegatives());
        byCategory(scored, reference.threshold(), out);
        errors(scored, reference.threshold(), show, out);

        CrossValidation.Result cv = CrossValidation.run(scored, rule, FOLDS, SEED);
        out.printf(Locale.ROOT, "%d-fold cross-validation (threshold chosen on %d folds by the same rule, both steps, "
                + "measured on the held-out fold; seed %d):%n", FOLDS, FOLDS - 1, SEED);
        int i = 1;
        for (CrossValidation.Fold f : cv.folds()) {
            Counts h = f.heldOut();
            out.printf(Locale.ROOT,
                    "  fold %d: threshold %s  TP %3d  FP %3d  FN %3d  TN %3d  precision %s  recall %s%n",
                    i++, f.choice().map(SemanticEval::describe).orElse("none"),
                    h.truePositives(), h.falsePositives(), h.falseNegatives(), h.trueNegatives(),
                    fmt(h.precision()), fmt(h.recall()));
        }
        Counts p = cv.pooled();
        out.printf(Locale.ROOT, "  pooled held-out: precision %s, recall %s (TP %d, FP %d, FN %d, TN %d)%n",
                fmt(p.precision()), fmt(p.recall()), p.truePositives(), p.falsePositives(), p.falseNegatives(),
                p.trueNegatives());
    }

    /**
     * Categories hold one label each: for a paraphrase category the share hit is its recall, for a near-miss category
     * the share of wrong answers served.
     */
    private static void byCategory(List<ScoredPair> scored, double threshold, PrintStream out) {
        Map<String, List<ScoredPair>> by = new TreeMap<>();
        for (ScoredPair p : scored) {
            by.computeIfAbsent((p.pair().same() ? "same/" : "different/") + p.pair().category(), k -> new ArrayList<>())
                    .add(p);
        }
        out.printf(Locale.ROOT, "By category at %.2f (same: share hit = recall; different: share hit = wrong answers "
                + "served):%n", threshold);
        by.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, List<ScoredPair>> e) -> !e.getKey().startsWith("same/"))
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> {
                    long hits = e.getValue().stream().filter(p -> p.hits(threshold)).count();
                    out.printf(Locale.ROOT, "  %-22s %3d pairs  %3d hit  (%s)   mean similarity %.3f%n", e.getKey(),
                            e.getValue().size(), hits, fmt((double) hits / e.getValue().size()),
                            e.getValue().stream().mapToDouble(ScoredPair::similarity).average().orElse(Double.NaN));
                });
        out.println();
    }

    private static void errors(List<ScoredPair> scored, double threshold, int show, PrintStream out) {
        List<ScoredPair> closestDifferent = scored.stream().filter(p -> !p.pair().same())
                .sorted(Comparator.comparingDouble(ScoredPair::similarity).reversed()).limit(show).toList();
        List<ScoredPair> farthestSame = scored.stream().filter(p -> p.pair().same())
                .sorted(Comparator.comparingDouble(ScoredPair::similarity)).limit(show).toList();
        out.printf(Locale.ROOT, "The %d most similar different pairs (FP = hit at %.2f: a wrong answer served):%n",
                closestDifferent.size(), threshold);
        closestDifferent.forEach(p -> line(p, p.hits(threshold) ? "FP" : "  ", out));
        out.printf(Locale.ROOT, "%nThe %d least similar same pairs (FN = missed at %.2f):%n", farthestSame.size(),
                threshold);
        farthestSame.forEach(p -> line(p, p.hits(threshold) ? "  " : "FN", out));
        out.println();
    }

    private static void line(ScoredPair p, String mark, PrintStream out) {
        out.printf(Locale.ROOT, "  %s %.3f  [%s]  %s  |  %s%n", mark, p.similarity(), p.pair().category(), p.pair().a(),
                p.pair().b());
    }

    private static String spread(List<ScoredPair> scored, boolean same) {
        double[] s = scored.stream().filter(p -> p.pair().same() == same).mapToDouble(ScoredPair::similarity).sorted()
                .toArray();
        if (s.length == 0) {
            return "none";
        }
        return String.format(Locale.ROOT, "min %.3f, p10 %.3f, median %.3f, p90 %.3f, max %.3f", s[0],
                s[(int) (0.1 * (s.length - 1))], s[(s.length - 1) / 2], s[(int) (0.9 * (s.length - 1))],
                s[s.length - 1]);
    }

    private static String describe(ThresholdRule.Choice c) {
        return String.format(Locale.ROOT, "%.2f (step %s)", c.threshold(), c.precisionMet() ? "1" : "2");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "    -" : String.format(Locale.ROOT, "%.3f", v);
    }
}
