package io.streamgate.bench.servers;

import io.streamgate.bench.proc.ChildProcess;
import java.util.List;

/**
 * A server under measurement: where to reach it and, when the harness started it (or was told its pid), which
 * processes to read CPU and memory from.
 *
 * @param process {@code null} for a server the harness did not start
 * @param pid the main pid to read, or -1 when unknown
 * @param metricsUrl the gateway's Prometheus endpoint, or {@code null}
 */
public record RunningServer(String name, String baseUrl, ChildProcess process, long pid, String metricsUrl)
        implements AutoCloseable {

    public static RunningServer external(String name, String baseUrl, long pid) {
        return new RunningServer(name, baseUrl, null, pid, null);
    }

    /** The same server under another name (the report's label for its pass). */
    public RunningServer named(String newName) {
        return new RunningServer(newName, baseUrl, process, pid, metricsUrl);
    }

    /** Main process plus descendants (nginx workers); empty when unknown. */
    public List<Long> pids() {
        if (process != null) {
            return process.pids();
        }
        return pid > 0 ? List.of(pid) : List.of();
    }

    public boolean measurable() {
        return !pids().isEmpty();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
