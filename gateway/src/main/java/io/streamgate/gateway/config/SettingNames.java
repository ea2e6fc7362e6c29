package io.streamgate.gateway.config;

import java.util.Locale;
import java.util.Set;

/** Finds the setting an unknown name was probably meant to be, for the warning that names it. */
final class SettingNames {

    private static final String PREFIX = "STREAMGATE_";
    private static final int MAX_COMPARED_CHARS = 100; // the distance table is length x length


    private SettingNames() {}

    /**
     * {@code " (did you mean STREAMGATE_PORT?)"} for {@code STREAMGATE_PROT}, or {@code ""} when no known name is
     * close. A file key without the prefix or in lower case ({@code port}) is matched as if it had both.
     */
    static String suggestion(String unknown, Set<String> known) {
        String probe = unknown.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
        if (probe.length() > MAX_COMPARED_CHARS) {
            return "";
        }
        if (!probe.startsWith(PREFIX)) {
            probe = PREFIX + probe;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : known.stream().sorted().toList()) {
            int d = distance(probe, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        // A third of the part after the prefix may differ: catches typos and a missing word, not unrelated names.
        int allowed = Math.max(2, (probe.length() - PREFIX.length()) / 3);
        return best != null && bestDistance <= allowed ? " (did you mean " + best + "?)" : "";
    }

    /** The name as it may appear in a log line: control characters (possible in a properties file) replaced. */
    static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
    }

    /** Edit distance where swapping two neighbouring characters counts as one edit (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
