package io.streamgate.bench.report;

import io.streamgate.bench.load.StreamResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one pass of load against one target.
 *
 * @param server the CPU and memory of the target's own process (the simulator for "direct")
 * @param upstream the simulator's CPU during this pass, for context; {@link ProcessFigures#UNKNOWN} for "direct"
 * @param sharedState the CPU of the redis-server and PostgreSQL processes a shared-state gateway pass used;
 *     {@link ProcessFigures#UNKNOWN} for every other pass
 * @param clientCpuSeconds the load client's own CPU over the pass: when it nears {@code wallSeconds} times its
 *     thread count, the client (not the server) is the bottleneck and latencies are inflated
 * @param otherCpuSeconds CPU the machine spent during the pass outside the client, the target and the simulator:
 *     and the shared-state engines: other programs competing for the same cores (NaN if unknown)
 * @param cache the answer cache's own figures over the pass, from the gateway's metrics; {@link CacheFigures#NONE}
 *     for a target without them
 */
public record PassResult(String target, int streams, int ok, Map<String, Integer> errors, Percentiles headers,
        Percentiles firstContent, Percentiles total, long events, double wallSeconds, ProcessFigures server,
        ProcessFigures upstream, ProcessFigures sharedState, double clientCpuSeconds, double otherCpuSeconds,
        CacheFigures cache) {

    public static PassResult of(String target, List<StreamResult> results, double wallSeconds, ProcessFigures server,
            ProcessFigures upstream, double clientCpuSeconds, double machineCpuSeconds) {
        return of(target, results, wallSeconds, server, upstream, ProcessFigures.UNKNOWN, clientCpuSeconds,
                machineCpuSeconds);
    }

    public static PassResult of(String target, List<StreamResult> results, double wallSeconds, ProcessFigures server,
            ProcessFigures upstream, ProcessFigures sharedState, double clientCpuSeconds, double machineCpuSeconds) {
        Map<String, Integer> errors = new TreeMap<>();
        int ok = 0;
        long events = 0;
        for (StreamResult r : results) {
            events += r.events();
            if (r.ok()) {
                ok++;
            } else {
                errors.merge(r.error(), 1, Integer::sum);
            }
        }
        return new PassResult(target, results.size(), ok, errors,
                Percentiles.of(results, StreamResult::headersNanos),
                Percentiles.of(results, StreamResult::firstContentNanos),
                Percentiles.of(results.stream().filter(StreamResult::ok).toList(), StreamResult::totalNanos),
                events, wallSeconds, server, upstream, sharedState, clientCpuSeconds,
                machineCpuSeconds - clientCpuSeconds - known(server) - known(upstream) - known(sharedState),
                CacheFigures.NONE);
    }

    /** The same pass with the answer cache's figures. */
    public PassResult withCache(CacheFigures figures) {
        return new PassResult(target, streams, ok, errors, headers, firstContent, total, events, wallSeconds, server,
                upstream, sharedState, clientCpuSeconds, otherCpuSeconds, figures);
    }

    /** The target's own CPU per stream of the pass, in milliseconds; NaN if unknown. */
    public double cpuMsPerStream() {
        return server.known() && streams > 0 ? server.cpuSeconds() * 1000 / streams : Double.NaN;
    }

    private static double known(ProcessFigures f) {
        return f.known() ? f.cpuSeconds() : 0;
    }

    public int errorCount() {
        return streams - ok;
    }
}
