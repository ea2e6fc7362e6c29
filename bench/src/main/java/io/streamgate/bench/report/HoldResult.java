package io.streamgate.bench.report;

/**
 * Memory of the gateway while a hold pass keeps {@code open} streams open at once.
 *
 * <p>Per-stream figures divide the growth over the idle state by the number of streams actually open. Idle is
 * measured after warm-up rounds at the same scale (so the code compiled for the per-stream paths is already paid)
 * and a full GC (so no garbage from the warm-up sits in the baseline's RSS).
 *
 * @param rssIdleKb gateway RSS after warm-up and a full GC, with nothing open
 * @param rssOpenKb gateway RSS with all streams open
 * @param rssOpenAfterGcKb the same right after the full GC that measures {@code heapOpenKb}: like the idle figure,
 *     read after a full GC, so the difference leaves out what the young generation and the heap's own resizing
 *     happened to hold at that moment (G1 counts the idle measurement's full GC pause as GC overhead and grows the
 *     heap soon after it); -1 if unavailable
 * @param rssAfterCloseKb gateway RSS after they were all closed and a full GC
 * @param heapIdleKb live heap after a full GC ({@code jcmd GC.run; GC.heap_info}), idle; -1 if unavailable
 * @param heapOpenKb the same with all streams open
 * @param heapAfterCloseKb the same after closing: should come back to about {@code heapIdleKb}
 * @param fdsOpen the gateway's open file descriptors with all streams open (-1 if unreadable)
 * @param openSeconds how long it took from the first connect until all were open
 */
public record HoldResult(int requested, int open, long rssIdleKb, long rssOpenKb, long rssOpenAfterGcKb,
        long rssAfterCloseKb, long heapIdleKb, long heapOpenKb, long heapAfterCloseKb, int fdsOpen, double openSeconds) {

    public double rssPerStreamKb() {
        return open > 0 && rssIdleKb >= 0 ? (rssOpenKb - rssIdleKb) / (double) open : Double.NaN;
    }

    /** Per open stream, both RSS figures read after a full GC. */
    public double rssPerStreamAfterGcKb() {
        return open > 0 && rssIdleKb >= 0 && rssOpenAfterGcKb >= 0
                ? (rssOpenAfterGcKb - rssIdleKb) / (double) open : Double.NaN;
    }

    public double heapPerStreamKb() {
        return open > 0 && heapIdleKb >= 0 && heapOpenKb >= 0 ? (heapOpenKb - heapIdleKb) / (double) open : Double.NaN;
    }
}
