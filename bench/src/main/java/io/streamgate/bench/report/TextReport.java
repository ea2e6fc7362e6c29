package io.streamgate.bench.report;

import java.util.Locale;

/** The run as a plain-text table for the terminal: one row per pass, then added latency and hold memory. */
public final class TextReport {

    private TextReport() {}

    public static String render(RunReport r) {
        StringBuilder s = new StringBuilder();
        s.append(f("== streamgate load harness: %s (concurrency %d, streams %d)%n", r.name(), r.concurrency(), r.streams()));
        r.environment().forEach(e -> s.append("   ").append(e).append('\n'));
        int width = Math.max(14, r.passes().stream().mapToInt(p -> p.target().length()).max().orElse(0));
        String row = "%-" + width + "s %6s %6s | %-26s | %-26s | %-18s | %8s %9s %9s%n";
        s.append(f("%n" + row, "target", "ok", "errors",
                "headers ms p50/p90/p99", "first content ms p50/p90/p99", "total ms p50/p99", "cpu s", "rss MB", "peak MB"));
        for (PassResult p : r.passes()) {
            s.append(f(row, p.target(), p.ok(), p.errorCount(),
                    triple(p.headers()), triple(p.firstContent()),
                    num(p.total().ms(0.5)) + "/" + num(p.total().ms(0.99)),
                    p.server().known() ? f("%.2f", p.server().cpuSeconds()) : "n/a",
                    mb(p.server().rssBeforeKb()), mb(p.server().rssPeakKb())));
        }
        for (PassResult p : r.passes()) {
            if (!p.errors().isEmpty()) {
                s.append(f("   %s errors: %s%n", p.target(), p.errors()));
            }
            s.append(f("   %s pass: %.1f s wall, %d events, client cpu %.2f s, upstream cpu %s s,%s other programs cpu %.2f s%n",
                    p.target(), p.wallSeconds(), p.events(), p.clientCpuSeconds(),
                    p.upstream().known() ? f("%.2f", p.upstream().cpuSeconds()) : "(is the server)",
                    p.sharedState().known() ? f(" shared-state engines cpu %.2f s,", p.sharedState().cpuSeconds()) : "",
                    p.otherCpuSeconds()));
        }
        s.append('\n');
        for (String[] pair : r.comparisons()) {
            s.append(f("added time to first content, %s - %s: p50 %s ms, p90 %s ms, p99 %s ms%n", pair[0], pair[1],
                    num(r.addedFirstContentMs(pair[0], pair[1], 0.5)), num(r.addedFirstContentMs(pair[0], pair[1], 0.9)),
                    num(r.addedFirstContentMs(pair[0], pair[1], 0.99))));
        }
        r.pass("nginx").ifPresent(n -> r.passes().stream().filter(g -> RunReport.isGateway(g.target())).forEach(g -> {
            if (g.server().known() && n.server().known() && n.server().cpuSeconds() > 0) {
                s.append(f("%s cpu / nginx cpu: %.2fx%n", g.target(), g.server().cpuSeconds() / n.server().cpuSeconds()));
            }
        }));
        r.passes().forEach(shared -> RunReport.withoutVariant(shared.target()).flatMap(r::pass).ifPresent(local -> {
            if (shared.server().known() && local.server().known() && local.server().cpuSeconds() > 0) {
                double ratio = shared.server().cpuSeconds() / local.server().cpuSeconds();
                s.append(f("%s cpu / %s cpu: %.2fx (%+.1f%%)", shared.target(), local.target(), ratio,
                        (ratio - 1) * 100));
                if (shared.sharedState().known()) {
                    double withEngines = (shared.server().cpuSeconds() + shared.sharedState().cpuSeconds())
                            / local.server().cpuSeconds();
                    s.append(f("; with the engines' own cpu: %.2fx (%+.1f%%)", withEngines, (withEngines - 1) * 100));
                }
                s.append('\n');
            }
        }));
        if (r.passes().stream().anyMatch(p -> p.cache().known())) {
            s.append(f("answer cache over each measured pass (the gateway's %s and %s):%n", CacheFigures.LOOKUPS,
                    CacheFigures.LATENCY));
            for (PassResult p : r.passes()) {
                if (RunReport.isGateway(p.target())) {
                    s.append("  ").append(cacheLine(p)).append('\n');
                }
            }
        }
        r.hold().ifPresent(h -> s.append(f("""
                %nhold: %d of %d open after %.1f s; gateway fds %d
                  RSS  idle %s MB, all open %s MB, after close %s MB -> %s KB per open stream
                  RSS  all open, after a full GC like idle: %s MB -> %s KB per open stream
                  heap idle %s MB, all open %s MB, after close %s MB -> %s KB per open stream (live heap after full GC)
                """, h.open(), h.requested(), h.openSeconds(), h.fdsOpen(), mb(h.rssIdleKb()), mb(h.rssOpenKb()),
                mb(h.rssAfterCloseKb()), num(h.rssPerStreamKb()), mb(h.rssOpenAfterGcKb()),
                num(h.rssPerStreamAfterGcKb()), mb(h.heapIdleKb()), mb(h.heapOpenKb()),
                mb(h.heapAfterCloseKb()), num(h.heapPerStreamKb()))));
        return s.toString();
    }

    /** One gateway pass's cache figures, with its time to first content and its CPU per stream. */
    static String cacheLine(PassResult p) {
        StringBuilder s = new StringBuilder(p.target()).append(": ");
        CacheFigures c = p.cache();
        if (!c.known()) {
            s.append("no cache metrics (cache off)");
        } else {
            s.append("lookups");
            c.lookups().forEach((result, n) -> s.append(f(" %s %.0f,", result, n)));
            s.append(f(" lookup ms mean %s, p50 %s, p90 %s, p99 %s (within buckets)", num3(c.meanMs()),
                    num3(c.latencyMs(0.5)), num3(c.latencyMs(0.9)), num3(c.latencyMs(0.99))));
        }
        return s.append(f("; first content ms p50/p90/p99 %s; cpu %s ms per stream", triple(p.firstContent()),
                num(p.cpuMsPerStream()))).toString();
    }

    static String num3(double v) {
        return Double.isNaN(v) ? "n/a" : f("%.3f", v);
    }

    static String triple(Percentiles p) {
        return num(p.ms(0.5)) + "/" + num(p.ms(0.9)) + "/" + num(p.ms(0.99));
    }

    static String num(double v) {
        return Double.isNaN(v) ? "n/a" : f(Math.abs(v) >= 100 ? "%.0f" : "%.2f", v);
    }

    static String mb(long kb) {
        return kb < 0 ? "n/a" : f("%.1f", kb / 1024.0);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
