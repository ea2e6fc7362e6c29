package io.streamgate.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunReportTest {

    @Test
    void eachGatewayPassIsComparedWithDirectAndNginx() {
        RunReport r = report("direct", "nginx", "gateway-okhttp", "gateway-netty");

        assertEquals(List.of("nginx-direct", "gateway-okhttp-direct", "gateway-okhttp-nginx", "gateway-netty-direct",
                "gateway-netty-nginx"), r.comparisons().stream().map(p -> p[0] + "-" + p[1]).toList());
        String text = TextReport.render(r);
        assertTrue(text.contains("added time to first content, gateway-netty - nginx: p50 2.00 ms"), text);
        assertTrue(text.contains("gateway-netty cpu / nginx cpu: 4.00x"), text);
    }

    @Test
    void withoutNginxOnlyDirectIsTheBaseline() {
        assertEquals(List.of("gateway-direct"),
                report("direct", "gateway").comparisons().stream().map(p -> p[0] + "-" + p[1]).toList());
    }

    /** Passes whose first content is 1 ms for direct, then 1 ms more per pass; CPU 1 s for nginx, 2 s per gateway. */
    private static RunReport report(String... targets) {
        List<PassResult> passes = new java.util.ArrayList<>();
        for (int i = 0; i < targets.length; i++) {
            long nanos = (i + 1) * 1_000_000L;
            Percentiles p = new Percentiles(new long[] {nanos});
            double cpu = targets[i].equals("nginx") ? 0.5 : 2;
            passes.add(new PassResult(targets[i], 1, 1, Map.of(), p, p, p, 1, 1,
                    new ProcessFigures(cpu, 1024, 1024), ProcessFigures.UNKNOWN, 0, 0));
        }
        return new RunReport("light", "light", 1, 1, passes, Optional.empty(), List.of());
    }
}
