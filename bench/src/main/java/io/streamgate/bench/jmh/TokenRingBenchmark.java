package io.streamgate.bench.jmh;

import io.streamgate.llm.TokenRing;
import io.streamgate.llm.UpstreamEvent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
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
 *   <li>{@code spsc}: a dedicated producer thread publishes {@value #TRANSFER} events per invocation while the
 *       benchmark thread drains them the way the gateway does ({@code beginDrain}, then poll until empty), on a
 *       256-slot ring (the default capacity), so the producer parks whenever it gets ahead. Score per event.
 * </ul>
 *
 * <p>Why spsc is not a JMH {@code @Group}: a grouped producer can be parked in {@code publish} (ring full) when
 * the consumer thread has already left its last iteration, and nothing would ever unpark it. Here the producer
 * is owned by the state, which closes the ring at teardown, and every wait is bounded.
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
    static final int TRANSFER = 10_000;
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

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

    /** A ring with its own producer thread, which publishes as many events as the benchmark thread asks for. */
    @State(Scope.Thread)
    public static class Pipe {
        final LongAdder wakeups = new LongAdder();
        final TokenRing ring = new TokenRing(256, wakeups::increment);
        final AtomicLong requested = new AtomicLong();
        volatile boolean stop;
        Thread producer;

        @Setup(Level.Trial)
        public void start() {
            producer = Thread.ofPlatform().daemon().name("ring-producer").start(() -> {
                long published = 0;
                while (!stop) {
                    if (published < requested.get()) {
                        if (!ring.publish(DELTA)) {
                            return; // closed at teardown
                        }
                        published++;
                    } else {
                        Thread.onSpinWait();
                    }
                }
            });
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            stop = true;
            ring.close();
            producer.join(5_000);
        }
    }

    @Benchmark
    public UpstreamEvent singleThread(Local s) {
        s.ring.beginDrain();
        s.ring.publish(DELTA);
        return s.ring.poll();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
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
    @OperationsPerInvocation(TRANSFER)
    public int spsc(Pipe p) {
        p.requested.addAndGet(TRANSFER);
        int received = 0;
        long giveUp = System.nanoTime() + MAX_WAIT_NANOS;
        while (received < TRANSFER) {
            p.ring.beginDrain();
            UpstreamEvent e = null;
            while (received < TRANSFER && (e = p.ring.poll()) != null) {
                received++;
            }
            if (received < TRANSFER) {
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("producer stalled after " + received + " events");
                }
                Thread.onSpinWait();
            }
        }
        return received;
    }
}
