package io.streamgate.bench.jmh;

import io.streamgate.llm.TokenRing;
import io.streamgate.llm.UpstreamEvent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the per-stream {@link TokenRing}: the hand-off every upstream delta makes on its way to the
 * event loop.
 *
 * <ul>
 *   <li>{@code singleThread*}: publish then poll on one thread, so no cache line moves between cores; the floor.
 *       {@code singleThreadBatch} publishes 16 before draining, as a real drain does after one wake-up.
 *   <li>{@code spsc}: one producer thread against one consumer thread (the real topology), including parking
 *       when the ring is full. Each thread's score is its own ops/s; the producer's is the hand-off rate.
 * </ul>
 *
 * <p>The spsc group cannot hang at the end of an iteration: JMH keeps calling the consumer during warm-down
 * until the producer has left its last (possibly parked) {@code publish}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseZGC", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Timeout(time = 30)
public class TokenRingBenchmark {

    private static final UpstreamEvent DELTA = new UpstreamEvent.TextDelta(" token");
    private static final int BATCH = 16;

    /** One ring per thread, for the single-threaded cases. */
    @State(Scope.Thread)
    public static class Local {
        final LongAdder wakeups = new LongAdder();
        TokenRing ring;

        @Setup(Level.Iteration)
        public void setUp() {
            ring = new TokenRing(256, wakeups::increment);
        }
    }

    /** One ring shared by the producer and consumer of a group, as in the gateway (capacity 256 by default). */
    @State(Scope.Group)
    public static class Shared {
        TokenRing ring;

        @Setup(Level.Iteration)
        public void setUp() {
            ring = new TokenRing(256, () -> { });
        }
    }

    @Benchmark
    public UpstreamEvent singleThread(Local s) {
        s.ring.beginDrain();
        s.ring.publish(DELTA);
        return s.ring.poll();
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(BATCH)
    public UpstreamEvent singleThreadBatch(Local s) {
        for (int i = 0; i < BATCH; i++) {
            s.ring.publish(DELTA);
        }
        s.ring.beginDrain();
        UpstreamEvent last = null;
        for (int i = 0; i < BATCH; i++) {
            last = s.ring.poll();
        }
        return last;
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public boolean producer(Shared s) {
        return s.ring.publish(DELTA);
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    public UpstreamEvent consumer(Shared s) {
        s.ring.beginDrain();
        UpstreamEvent e = s.ring.poll();
        if (e == null) {
            Thread.onSpinWait();
        }
        return e;
    }
}
