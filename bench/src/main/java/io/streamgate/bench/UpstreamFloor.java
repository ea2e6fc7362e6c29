package io.streamgate.bench;

import com.sun.management.OperatingSystemMXBean;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.UpstreamClients;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.openai.OpenAiProvider;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;

/**
 * The cost floor of the upstream client alone: streams read with llm-client's OpenAI provider (OkHttp and
 * okhttp-sse on virtual threads, as the gateway reads them) and every event dropped on arrival. No ring, no event
 * loop, no client socket, no store. Prints this process's CPU seconds for one measured pass after one warm-up
 * pass, so that the gateway's CPU for the same load can be split into "reading the provider" and "the rest".
 *
 * <p>Usage: {@code UpstreamFloor UPSTREAM_URL CONCURRENCY STREAMS}, against a running OpenAI-compatible upstream
 * such as {@code SimulatorMain} (see bench/README.md).
 */
public final class UpstreamFloor {

    private UpstreamFloor() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: UpstreamFloor UPSTREAM_URL CONCURRENCY STREAMS");
            System.exit(2);
        }
        int concurrency = Integer.parseInt(args[1]);
        int streams = Integer.parseInt(args[2]);
        OkHttpClient client = UpstreamClients.create(UpstreamClients.Settings.defaults());
        OpenAiProvider provider = OpenAiProvider.create(client, args[0], null, "bench");
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (String pass : List.of("warm-up", "measured")) {
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            AtomicLong events = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long[] firstText = run(provider, concurrency, streams, events, failed);
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            Arrays.sort(firstText);
            System.out.printf("%s: %d streams, %d events, %d failed, %.2f s wall, %.2f s CPU (%.1f µs per event), "
                            + "call to first text p50/p90/p99 %.2f/%.2f/%.2f ms%n",
                    pass, streams, events.get(), failed.get(), (System.nanoTime() - t0) / 1e9, cpu,
                    cpu * 1e6 / Math.max(1, events.get()), millis(firstText, 0.5), millis(firstText, 0.9),
                    millis(firstText, 0.99));
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private static double millis(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (quantile * sorted.length))] / 1e6;
    }

    /** Runs the pass; returns, per stream, the nanoseconds from the call to its first text. */
    private static long[] run(OpenAiProvider provider, int concurrency, int streams, AtomicLong events,
            AtomicLong failed) throws InterruptedException {
        long[] firstText = new long[streams];
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(streams);
        ChatRequest request = new ChatRequest(null, List.of(ChatMessage.user("tell me a story")), null, null);
        for (int i = 0; i < streams; i++) {
            slots.acquire();
            int stream = i;
            long start = System.nanoTime();
            provider.stream(request, event -> {
                events.incrementAndGet();
                if (event instanceof UpstreamEvent.TextDelta && firstText[stream] == 0) {
                    firstText[stream] = System.nanoTime() - start;
                }
                if (event instanceof UpstreamEvent.Completed || event instanceof UpstreamEvent.Failed) {
                    if (event instanceof UpstreamEvent.Failed) {
                        failed.incrementAndGet();
                    }
                    slots.release();
                    done.countDown();
                }
                return true;
            });
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("streams did not finish");
        }
        return firstText;
    }
}
