package io.streamgate.bench.report;

/**
 * What one server process cost during a pass, from {@code /proc}. {@link #UNKNOWN} when the harness could not
 * read it (a server it did not start and whose pid it was not given).
 *
 * @param cpuSeconds user + system CPU seconds over the pass, summed over the process and its children
 * @param rssBeforeKb resident memory just before the pass
 * @param rssPeakKb the highest resident memory sampled during the pass
 */
public record ProcessFigures(double cpuSeconds, long rssBeforeKb, long rssPeakKb) {

    public static final ProcessFigures UNKNOWN = new ProcessFigures(Double.NaN, -1, -1);

    public boolean known() {
        return !Double.isNaN(cpuSeconds);
    }
}
