package io.streamgate.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One tenant looping on history reads ({@code GET /api/v1/conversations/{id}}) over {@code connections}
 * keep-alive connections, each sending its next request as soon as the answer to the last one arrives; what a
 * misbehaving client does. Runs until {@link #close}; counts answers by status.
 */
public final class HistoryFlood implements AutoCloseable {

    private final HttpClient http;
    private final List<Thread> loops = new ArrayList<>();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder failures = new LongAdder();
    private volatile boolean running = true;
    private long startedNanos;
    private long stoppedNanos;

    private HistoryFlood() {
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Starts {@code connections} loops reading {@code conversationId}'s history from {@code baseUrl}. */
    public static HistoryFlood start(String baseUrl, String bearerKey, String conversationId, int connections) {
        HistoryFlood flood = new HistoryFlood();
        HttpRequest get = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/conversations/" + conversationId))
                .header("Authorization", "Bearer " + bearerKey)
                .timeout(Duration.ofSeconds(30))
                .build();
        flood.startedNanos = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            flood.loops.add(Thread.ofVirtual().name("history-flood-" + i).start(() -> flood.loop(get)));
        }
        return flood;
    }

    private void loop(HttpRequest get) {
        while (running) {
            try {
                HttpResponse<Void> r = http.send(get, HttpResponse.BodyHandlers.discarding());
                byStatus.computeIfAbsent(r.statusCode(), k -> new LongAdder()).increment();
            } catch (IOException e) {
                failures.increment();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** E.g. {@code 41234 requests in 20.1 s (2050/s): 200=812 429=40422}. */
    public String summary() {
        long end = stoppedNanos > 0 ? stoppedNanos : System.nanoTime();
        double seconds = (end - startedNanos) / 1e9;
        Map<Integer, Long> counts = new TreeMap<>();
        byStatus.forEach((status, n) -> counts.put(status, n.sum()));
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT, "%d requests in %.1f s (%.0f/s):",
                total, seconds, total / seconds));
        counts.forEach((status, n) -> s.append(' ').append(status).append('=').append(n));
        if (failures.sum() > 0) {
            s.append(" io_errors=").append(failures.sum());
        }
        return s.toString();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        stoppedNanos = System.nanoTime();
        for (Thread t : loops) {
            t.join(Duration.ofSeconds(35));
        }
        http.close();
    }
}
