package io.streamgate.bench;

/**
 * The load shapes the harness knows, each with the simulator pacing that makes it meaningful.
 *
 * <ul>
 *   <li>{@link #LIGHT}: a few streams at a time; measures the gateway's own latency with cores to spare.
 *   <li>{@link #HEAVY}: hundreds at once with fast tokens; measures CPU per token and latency under contention.
 *   <li>{@link #HOLD}: thousands open at once with slow tokens; measures memory per open stream. Streams are
 *       closed by the harness once all are open, not read to the end.
 * </ul>
 */
public enum Profile {
    LIGHT(20, 100, 50, 10, 100, false, 1_000, 180),
    HEAVY(500, 1_000, 50, 5, 200, false, 1_000, 300),
    /** 600 tokens at 1 s keep a stream open ten minutes, far longer than a hold measurement takes. */
    HOLD(2_000, 2_000, 100, 1_000, 600, true, 1_000, 300);

    /** Upper bound on concurrency for hold: each stream costs the gateway two file descriptors. */
    public static final int MAX_HOLD = 10_000;

    public final int concurrency;
    public final int streams;
    public final long firstTokenDelayMs;
    public final long tokenIntervalMs;
    public final int tokens;
    public final boolean hold;
    public final int connectsPerSecond;
    public final int defaultDurationLimitSeconds;

    Profile(int concurrency, int streams, long firstTokenDelayMs, long tokenIntervalMs, int tokens, boolean hold,
            int connectsPerSecond, int defaultDurationLimitSeconds) {
        this.concurrency = concurrency;
        this.streams = streams;
        this.firstTokenDelayMs = firstTokenDelayMs;
        this.tokenIntervalMs = tokenIntervalMs;
        this.tokens = tokens;
        this.hold = hold;
        this.connectsPerSecond = connectsPerSecond;
        this.defaultDurationLimitSeconds = defaultDurationLimitSeconds;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
