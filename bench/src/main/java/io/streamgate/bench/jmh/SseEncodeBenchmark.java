package io.streamgate.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.streamgate.gateway.stream.SseEventEncoder;
import io.streamgate.gateway.stream.StreamEvent;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of framing one {@code message_chunk} event as SSE, which the event loop pays for every chunk it writes.
 *
 * <p>{@code reuse} encodes into one pooled direct buffer that is cleared each time (the encoder alone);
 * {@code allocate} also takes the buffer from the pool and releases it, as the bridge does per drain.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseZGC", "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class SseEncodeBenchmark {

    /** Typical merged chunk sizes: one word, and a coalesced run of several tokens with a non-ASCII char. */
    @Param({" fox", " the quick brown fox jumps over the lazy dög, again and again"})
    public String content;

    private StreamEvent.MessageChunk chunk;
    private ByteBuf reused;
    private long sequence;

    @Setup
    public void setUp() {
        chunk = new StreamEvent.MessageChunk(content, 4, false);
        reused = PooledByteBufAllocator.DEFAULT.directBuffer(512);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reused.release();
    }

    @Benchmark
    public int reuse() {
        reused.clear();
        SseEventEncoder.encode(chunk, sequence++, 1_795_513_167_482L, reused);
        return reused.writerIndex();
    }

    @Benchmark
    public int allocate() {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(256);
        try {
            SseEventEncoder.encode(chunk, sequence++, 1_795_513_167_482L, out);
            return out.writerIndex();
        } finally {
            out.release();
        }
    }
}
