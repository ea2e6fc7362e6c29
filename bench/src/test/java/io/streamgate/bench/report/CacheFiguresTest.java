package io.streamgate.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.bench.proc.MetricsScrape;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CacheFiguresTest {

    /** A scrape as the gateway exposes it, with the histogram's buckets at 0.01, 0.1 and 1 ms. */
    private static MetricsScrape scrape(int hits, int misses, int b1, int b2, int b3, int inf, double sum) {
        return MetricsScrape.parse("""
                # HELP cache_lookups_total Answer cache lookups by result
                # TYPE cache_lookups_total counter
                cache_lookups_total{result="exact_hit"} %d.0
                cache_lookups_total{result="miss"} %d.0
                cache_lookups_total{result="semantic_hit"} 0.0
                cache_lookups_total{result="skipped"} 0.0
                # TYPE cache_lookup_latency_ms histogram
                cache_lookup_latency_ms_bucket{le="0.01"} %d
                cache_lookup_latency_ms_bucket{le="0.1"} %d
                cache_lookup_latency_ms_bucket{le="1.0"} %d
                cache_lookup_latency_ms_bucket{le="+Inf"} %d
                cache_lookup_latency_ms_count %d
                cache_lookup_latency_ms_sum %s
                streaming_active_streams 0.0
                """.formatted(hits, misses, b1, b2, b3, inf, inf, sum));
    }

    @Test
    void thePassesLookupsAndLatencyAreTheDifferenceBetweenTwoScrapes() {
        MetricsScrape before = scrape(5, 20, 10, 25, 25, 25, 1.0);
        MetricsScrape after = scrape(105, 20, 10, 115, 125, 125, 6.0);

        CacheFigures pass = CacheFigures.between(before, after);

        assertTrue(pass.known());
        assertEquals(List.of("exact_hit", "semantic_hit", "miss", "skipped"), List.copyOf(pass.lookups().keySet()));
        assertEquals(100, pass.lookups("exact_hit"));
        assertEquals(0, pass.lookups("miss"));
        assertEquals(100, pass.count());
        assertEquals(0.05, pass.meanMs(), 1e-9);
        // 90 in (0.01, 0.1], 10 in (0.1, 1]: the median is 50/90 of the way through the first of them
        assertEquals(0.01 + 0.09 * 50 / 90, pass.latencyMs(0.5), 1e-9);
        assertEquals(0.1, pass.latencyMs(0.9), 1e-9);
        assertEquals(0.1 + 0.9 * 9 / 10, pass.latencyMs(0.99), 1e-9);
    }

    @Test
    void aQuantileInTheOpenBucketIsTheHighestFiniteBound() {
        CacheFigures slow = CacheFigures.between(MetricsScrape.NONE, scrape(0, 10, 0, 0, 5, 10, 30));

        assertEquals(1.0, slow.latencyMs(0.99), 1e-9);
        assertEquals(0.1 + 0.9 * 4 / 5, slow.latencyMs(0.4), 1e-9);
    }

    @Test
    void aGatewayWithoutTheCacheHasNoFigures() {
        MetricsScrape off = MetricsScrape.parse("streaming_active_streams 0.0\n");

        assertSame(CacheFigures.NONE, CacheFigures.between(off, off));
        assertFalse(CacheFigures.NONE.known());
        assertTrue(Double.isNaN(CacheFigures.NONE.latencyMs(0.5)));
    }

    @Test
    void theReportGivesEachGatewayPassItsLookupsTimeToFirstContentAndCpuPerStream() {
        Percentiles ttfc = new Percentiles(new long[] {1_000_000, 2_000_000, 3_000_000});
        CacheFigures hits = CacheFigures.between(scrape(5, 20, 10, 25, 25, 25, 1.0),
                scrape(105, 20, 10, 115, 125, 125, 6.0));
        PassResult off = pass("gateway", ttfc, 0.3, CacheFigures.NONE);
        PassResult exact = pass("gateway+cache-exact", ttfc, 0.1, hits);
        RunReport r = new RunReport("light", "light", 20, 100, List.of(off, exact), Optional.empty(), List.of());

        String text = TextReport.render(r);

        assertTrue(text.contains("gateway: no cache metrics (cache off); first content ms p50/p90/p99 2.00/3.00/3.00; "
                + "cpu 3.00 ms per stream"), text);
        assertTrue(text.contains("gateway+cache-exact: lookups exact_hit 100, semantic_hit 0, miss 0, skipped 0, lookup "
                + "ms mean 0.050, p50 0.060, p90 0.100, p99 0.910 (within buckets); first content ms p50/p90/p99 "
                + "2.00/3.00/3.00; cpu 1.00 ms per stream"), text);
        assertTrue(text.contains("added time to first content, gateway+cache-exact - gateway: p50 0.00 ms"), text);
        assertTrue(JsonReport.render(r).contains("\"exact_hit\" : 100"), JsonReport.render(r));
    }

    private static PassResult pass(String target, Percentiles ttfc, double cpuSeconds, CacheFigures cache) {
        return new PassResult(target, 100, 100, Map.of(), ttfc, ttfc, ttfc, 100, 1,
                new ProcessFigures(cpuSeconds, 1024, 1024), ProcessFigures.UNKNOWN, ProcessFigures.UNKNOWN, 0, 0,
                cache);
    }
}
