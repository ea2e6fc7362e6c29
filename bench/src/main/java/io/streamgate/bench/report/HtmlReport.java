package io.streamgate.bench.report;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The run as one self-contained HTML file (no scripts, no external assets): inline SVG CDFs of time to first
 * content and of total stream time per target, followed by the text report.
 *
 * <p>Why CDFs: the gateway's cost shows up as a shift of the whole curve to the right, and tail effects (a slow
 * event loop, GC) as a fattened upper end, both of which a table of three percentiles can hide.
 */
public final class HtmlReport {

    private static final int W = 760;
    private static final int H = 360;
    private static final int PAD_L = 60;
    private static final int PAD_B = 40;
    private static final int PAD_T = 30;
    private static final int PAD_R = 20;
    private static final int MAX_POINTS = 400;
    private static final Map<String, String> COLORS = Map.of("direct", "#2b8a3e", "nginx", "#1c7ed6", "gateway", "#e8590c",
            "gateway-okhttp", "#e8590c");

    private HtmlReport() {}

    public static String render(RunReport r) {
        StringBuilder s = new StringBuilder();
        s.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>streamgate bench: ")
                .append(escape(r.name()))
                .append("</title><style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
                        + "pre{background:#f6f6f6;padding:1em;overflow-x:auto}svg{border:1px solid #ddd;margin:1em 0}"
                        + "</style></head><body>");
        s.append("<h1>streamgate load harness: ").append(escape(r.name())).append("</h1>");
        s.append(chart("Time to first content (CDF)", r, PassResult::firstContent));
        s.append(chart("Total stream time (CDF, successful streams)", r, PassResult::total));
        s.append("<h2>Figures</h2><pre>").append(escape(TextReport.render(r))).append("</pre></body></html>\n");
        return s.toString();
    }

    private static String chart(String title, RunReport r, Function<PassResult, Percentiles> metric) {
        Map<String, Percentiles> series = new LinkedHashMap<>();
        for (PassResult p : r.passes()) {
            if (metric.apply(p).count() > 0) {
                series.put(p.target(), metric.apply(p));
            }
        }
        if (series.isEmpty()) {
            return "";
        }
        double lo = series.values().stream().mapToDouble(p -> p.ms(0.0001)).min().orElse(0);
        double hi = series.values().stream().mapToDouble(Percentiles::maxMs).max().orElse(1);
        double span = Math.max(hi - lo, 0.001);
        lo = Math.max(0, lo - span * 0.02);
        hi = hi + span * 0.02;
        StringBuilder s = new StringBuilder();
        s.append(f("<h2>%s</h2><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">",
                escape(title), W, H, W, H));
        axes(s, lo, hi);
        int legendY = PAD_T + 10;
        for (Map.Entry<String, Percentiles> e : series.entrySet()) {
            String color = COLORS.getOrDefault(e.getKey(), e.getKey().equals("gateway-netty") ? "#ae3ec9"
                    : e.getKey().endsWith("+cache-exact") ? "#f59f00"
                    : e.getKey().endsWith("+cache-semantic") ? "#7048e8"
                    : RunReport.withoutVariant(e.getKey()).isPresent() ? "#c92a2a" : "#555");
            s.append(f("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>", color,
                    points(e.getValue(), lo, hi)));
            s.append(f("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>", PAD_L + 400, legendY - 4, color));
            s.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\">%s: p50 %s, p99 %s ms (n=%d)</text>", PAD_L + 418,
                    legendY, escape(e.getKey()), TextReport.num(e.getValue().ms(0.5)),
                    TextReport.num(e.getValue().ms(0.99)), e.getValue().count()));
            legendY += 18;
        }
        return s.append("</svg>").toString();
    }

    private static void axes(StringBuilder s, double lo, double hi) {
        int x0 = PAD_L;
        int y0 = H - PAD_B;
        s.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", x0, y0, W - PAD_R, y0));
        s.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", x0, PAD_T, x0, y0));
        for (int i = 0; i <= 5; i++) {
            double ms = lo + (hi - lo) * i / 5;
            double x = x(ms, lo, hi);
            s.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", x, PAD_T, x, y0));
            s.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x, y0 + 15,
                    TextReport.num(ms)));
            double frac = i / 5.0;
            s.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.1f</text>", x0 - 5,
                    y(frac) + 4, frac));
        }
        s.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">milliseconds</text>",
                (W + PAD_L) / 2, H - 5));
        s.append(f("<text x=\"14\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">"
                + "fraction of streams</text>", H / 2, H / 2));
    }

    private static String points(Percentiles p, double lo, double hi) {
        long[] v = p.sortedNanos();
        int step = Math.max(1, v.length / MAX_POINTS);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i += step) {
            s.append(f("%.1f,%.1f ", x(v[i] / 1e6, lo, hi), y((i + 1) / (double) v.length)));
        }
        s.append(f("%.1f,%.1f", x(v[v.length - 1] / 1e6, lo, hi), y(1.0)));
        return s.toString();
    }

    private static double x(double ms, double lo, double hi) {
        return PAD_L + (ms - lo) / (hi - lo) * (W - PAD_L - PAD_R);
    }

    private static double y(double fraction) {
        return (H - PAD_B) - fraction * (H - PAD_B - PAD_T);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
