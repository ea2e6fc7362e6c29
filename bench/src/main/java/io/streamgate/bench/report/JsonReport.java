package io.streamgate.bench.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The run as JSON, for scripts and for comparing runs over time. Latencies are milliseconds; memory is KiB;
 * values that could not be measured are {@code null}. Raw per-stream values are left out (the HTML has the CDF).
 */
public final class JsonReport {

    private static final JsonFactory JSON = new JsonFactory();

    private JsonReport() {}

    public static String render(RunReport r) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeStringField("name", r.name());
            g.writeStringField("profile", r.profile());
            g.writeNumberField("concurrency", r.concurrency());
            g.writeNumberField("streams", r.streams());
            g.writeArrayFieldStart("environment");
            for (String e : r.environment()) {
                g.writeString(e);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("passes");
            for (PassResult p : r.passes()) {
                pass(g, p);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("added_first_content_ms");
            for (String[] pair : r.comparisons()) {
                g.writeObjectFieldStart(pair[0] + "_minus_" + pair[1]);
                for (double q : RunReport.QUANTILES) {
                    number(g, quantileName(q), r.addedFirstContentMs(pair[0], pair[1], q));
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            if (r.hold().isPresent()) {
                hold(g, r.hold().get());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void pass(JsonGenerator g, PassResult p) throws IOException {
        g.writeStartObject();
        g.writeStringField("target", p.target());
        g.writeNumberField("streams", p.streams());
        g.writeNumberField("ok", p.ok());
        g.writeObjectFieldStart("errors");
        for (Map.Entry<String, Integer> e : p.errors().entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        percentiles(g, "headers_ms", p.headers());
        percentiles(g, "first_content_ms", p.firstContent());
        percentiles(g, "total_ms", p.total());
        g.writeNumberField("events", p.events());
        number(g, "wall_seconds", p.wallSeconds());
        process(g, "server", p.server());
        process(g, "upstream", p.upstream());
        process(g, "shared_state", p.sharedState());
        number(g, "client_cpu_seconds", p.clientCpuSeconds());
        number(g, "other_cpu_seconds", p.otherCpuSeconds());
        number(g, "server_cpu_ms_per_stream", p.cpuMsPerStream());
        cache(g, p.cache());
        g.writeEndObject();
    }

    private static void cache(JsonGenerator g, CacheFigures c) throws IOException {
        if (!c.known()) {
            return;
        }
        g.writeObjectFieldStart("cache");
        g.writeObjectFieldStart("lookups");
        for (Map.Entry<String, Double> e : c.lookups().entrySet()) {
            g.writeNumberField(e.getKey(), Math.round(e.getValue()));
        }
        g.writeEndObject();
        g.writeObjectFieldStart("lookup_latency_ms");
        number(g, "mean", c.meanMs());
        for (double q : RunReport.QUANTILES) {
            number(g, quantileName(q), c.latencyMs(q));
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void percentiles(JsonGenerator g, String name, Percentiles p) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeNumberField("count", p.count());
        for (double q : RunReport.QUANTILES) {
            number(g, quantileName(q), p.ms(q));
        }
        number(g, "max", p.maxMs());
        g.writeEndObject();
    }

    private static void process(JsonGenerator g, String name, ProcessFigures f) throws IOException {
        if (!f.known()) {
            g.writeNullField(name);
            return;
        }
        g.writeObjectFieldStart(name);
        number(g, "cpu_seconds", f.cpuSeconds());
        g.writeNumberField("rss_before_kb", f.rssBeforeKb());
        g.writeNumberField("rss_peak_kb", f.rssPeakKb());
        g.writeEndObject();
    }

    private static void hold(JsonGenerator g, HoldResult h) throws IOException {
        g.writeObjectFieldStart("hold");
        g.writeNumberField("requested", h.requested());
        g.writeNumberField("open", h.open());
        number(g, "open_seconds", h.openSeconds());
        g.writeNumberField("fds_open", h.fdsOpen());
        g.writeNumberField("rss_idle_kb", h.rssIdleKb());
        g.writeNumberField("rss_open_kb", h.rssOpenKb());
        g.writeNumberField("rss_after_close_kb", h.rssAfterCloseKb());
        number(g, "rss_per_stream_kb", h.rssPerStreamKb());
        g.writeNumberField("rss_open_after_gc_kb", h.rssOpenAfterGcKb());
        number(g, "rss_per_stream_after_gc_kb", h.rssPerStreamAfterGcKb());
        g.writeNumberField("heap_idle_kb", h.heapIdleKb());
        g.writeNumberField("heap_open_kb", h.heapOpenKb());
        g.writeNumberField("heap_after_close_kb", h.heapAfterCloseKb());
        number(g, "heap_per_stream_kb", h.heapPerStreamKb());
        g.writeStringField("heap_method", "jcmd GC.run then GC.heap_info (live heap after a full GC)");
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isNaN(v)) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, Math.round(v * 1000) / 1000.0);
        }
    }

    static String quantileName(double q) {
        return "p" + (int) Math.round(q * 100);
    }
}
