package io.streamgate.bench.proc;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Samples the RSS of a process group every {@value #PERIOD_MS} ms while a pass runs and keeps the maximum, because
 * a single reading after the pass would miss the peak. Stops itself on {@link #close()} or after
 * {@code maxMillis}.
 */
public final class PeakSampler implements AutoCloseable {

    static final long PERIOD_MS = 200;

    private final AtomicLong peakKb = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopped;

    public PeakSampler(Supplier<List<Long>> pids, long maxMillis) {
        long end = System.currentTimeMillis() + maxMillis;
        thread = Thread.ofPlatform().daemon().name("rss-sampler").start(() -> {
            while (!stopped && System.currentTimeMillis() < end) {
                peakKb.accumulateAndGet(ProcStats.rssKb(pids.get()), Math::max);
                try {
                    Thread.sleep(PERIOD_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public long peakKb() {
        return peakKb.get();
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
