package io.streamgate.bench.report;

/**
 * Memory of the gateway while a hold pass keeps {@code open} streams open at once.
 *
 * <p>Per-stream figures divide the growth over the idle state (measured after a warm-up, so class loading, JIT
 * and pool arenas are already paid) by the number of streams actually open.
 *
 * @param rssIdleKb gateway RSS after warm-up, with nothing open
 * @param rssOpenKb gateway RSS with all streams open
 * @param rssAfterCloseKb gateway RSS a few seconds after they were all closed
 * @param heapIdleKb live heap after a full GC ({@code jcmd GC.run; GC.heap_info}), idle; -1 if unavailable
 * @param heapOpenKb the same with all streams open
 * @param heapAfterCloseKb the same after closing: should come back to about {@code heapIdleKb}
 * @param fdsOpen the gateway's open file descriptors with all streams open (-1 if unreadable)
 * @param openSeconds how long it took from the first connect until all were open
 */
public record HoldResult(int requested, int open, long rssIdleKb, long rssOpenKb, long rssAfterCloseKb,
        long heapIdleKb, long heapOpenKb, long heapAfterCloseKb, int fdsOpen, double openSeconds) {

    public double rssPerStreamKb() {
        return open > 0 && rssIdleKb >= 0 ? (rssOpenKb - rssIdleKb) / (double) open : Double.NaN;
    }

    public double heapPerStreamKb() {
        return open > 0 && heapIdleKb >= 0 && heapOpenKb >= 0 ? (heapOpenKb - heapIdleKb) / (double) open : Double.NaN;
    }
}
