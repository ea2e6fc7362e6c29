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

    @Test
    void eachSharedStatePassIsAlsoComparedWithTheSameGatewayWithoutIt() {
        RunReport r = report("direct", "gateway-okhttp", "gateway-okhttp+redis", "gateway-netty",
                "gateway-netty+redis+postgres");

        assertEquals(List.of("gateway-okhttp-direct", "gateway-okhttp+redis-direct", "gateway-okhttp+redis-gateway-okhttp",
                "gateway-netty-direct", "gateway-netty+redis+postgres-direct",
                "gateway-netty+redis+postgres-gateway-netty"),
                r.comparisons().stream().map(p -> p[0] + "-" + p[1]).toList());
        String text = TextReport.render(r);
        assertTrue(text.contains("added time to first content, gateway-netty+redis+postgres - gateway-netty: p50 1.00 ms"),
                text);
        assertTrue(text.contains("gateway-okhttp+redis cpu / gateway-okhttp cpu: 1.00x (+0.0%); with the engines' own "
                + "cpu: 1.25x (+25.0%)"), text);
        assertTrue(text.contains("gateway-okhttp+redis pass: 1.0 s wall, 1 events, client cpu 0.00 s, upstream cpu "
                + "(is the server) s, shared-state engines cpu 0.50 s,"), text);
        assertTrue(JsonReport.render(r).contains("\"gateway-okhttp+redis_minus_gateway-okhttp\""));
    }

    /** Passes whose first content is 1 ms for direct, then 1 ms more per pass; CPU 0.5 s for nginx, 2 s per gateway (and 0.5 s for the engines of a shared-state one). */
    private static RunReport report(String... targets) {
        List<PassResult> passes = new java.util.ArrayList<>();
        for (int i = 0; i < targets.length; i++) {
            long nanos = (i + 1) * 1_000_000L;
            Percentiles p = new Percentiles(new long[] {nanos});
            double cpu = targets[i].equals("nginx") ? 0.5 : 2;
            passes.add(new PassResult(targets[i], 1, 1, Map.of(), p, p, p, 1, 1,
                    new ProcessFigures(cpu, 1024, 1024), ProcessFigures.UNKNOWN,
                    targets[i].contains("+") ? new ProcessFigures(0.5, 1024, -1) : ProcessFigures.UNKNOWN, 0, 0,
                    CacheFigures.NONE));
        }
        return new RunReport("light", "light", 1, 1, passes, Optional.empty(), List.of());
    }
}
