package io.streamgate.bench.load;

import java.time.Duration;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * How one pass of load is shaped; every dimension is bounded.
 *
 * @param streams how many streams to run in total
 * @param concurrency how many may be open at once
 * @param connectsPerSecond ceiling on new connections per second, so a burst of connects does not measure the
 *     accept queue instead of the server
 * @param hold when true, streams are kept open after their first content until {@link LoadRun#closeAll()}
 *     instead of being read to their end
 * @param readTimeout a stream that receives nothing for this long fails with {@code read_timeout}
 * @param deadline absolute {@link System#nanoTime()} after which nothing new starts and open streams are closed
 * @param followUps when true, stream {@code i} of every pass posts to the same conversation, so a pass after the
 *     first continues the conversations of the passes before it; otherwise every stream starts a new one
 * @param messages the user message of stream {@code i} (its text must need no JSON escaping)
 */
public record LoadPlan(int streams, int concurrency, int connectsPerSecond, boolean hold, Duration readTimeout,
        long deadline, boolean followUps, IntFunction<String> messages) {

    public LoadPlan {
        if (streams < 1 || concurrency < 1 || connectsPerSecond < 1) {
            throw new IllegalArgumentException("streams, concurrency and connectsPerSecond must be positive");
        }
        Objects.requireNonNull(messages, "messages");
    }
}
