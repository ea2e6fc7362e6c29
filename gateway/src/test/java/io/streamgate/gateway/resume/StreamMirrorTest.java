package io.streamgate.gateway.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.netty.channel.DefaultEventLoop;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.shared.SharedRedis;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.RedisProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a stream's flushes become entries of its Redis copy, on a real Redis. */
class StreamMirrorTest {

    private final RedisProcess server = RedisProcess.start();
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private SharedRedis redis;
    private RedisJournals journals;
    private RedisClient reader;
    private StatefulRedisConnection<String, byte[]> reads;

    @AfterEach
    void stop() throws Exception {
        if (reads != null) {
            reads.close();
            reader.shutdown();
        }
        if (journals != null) {
            journals.close();
        }
        if (redis != null) {
            redis.close();
        }
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        server.close();
    }

    /** A stream mirrored with {@code flush} as its cadence. */
    private StreamMirror mirror(Duration flush) {
        redis = SharedRedis.connect(new GatewayConfig.RedisSettings(server.url(), false, Duration.ofSeconds(1), "node-a"));
        Await.until("redis is up", () -> redis.health().isUp());
        journals = new RedisJournals(redis, new RedisJournals.Settings(Duration.ofSeconds(3), Duration.ofMinutes(5),
                1_000, 4, 4, Duration.ofSeconds(15), Duration.ofMinutes(2), flush), (tenant, id, turn) -> { });
        reader = RedisClient.create(server.url());
        reads = reader.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        return (StreamMirror) journals.open("acme", "c1", loop);
    }

    private List<StreamMessage<String, byte[]>> entries(StreamMirror m) {
        return reads.sync().xrange(m.lease().streamKey(), Range.unbounded());
    }

    private static MirrorEntry entry(StreamMessage<String, byte[]> m) {
        return MirrorEntry.of(m.getId(), m.getBody());
    }

    private boolean holds(StreamMirror m, long sequence) {
        return entries(m).stream().anyMatch(e -> entry(e).lastSequence() >= sequence);
    }

    private static byte[] sse(long sequence, int size) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) 'a');
        byte[] id = ("id: " + sequence + "\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(id, 0, b, 0, Math.min(id.length, size));
        return b;
    }

    /** Runs {@code flushes} on the stream's loop in one task: all of them well within any cadence. */
    private void onLoop(Runnable flushes) throws Exception {
        loop.submit(flushes).get(10, TimeUnit.SECONDS);
    }

    private static void flush(StreamMirror m, long from, long to, int size) {
        for (long s = from; s <= to; s++) {
            m.event(s, sse(s, size));
        }
        m.flushed();
    }

    @Test
    void aBurstOfFlushesWithinTheCadenceIsOneEntry() throws Exception {
        StreamMirror m = mirror(Duration.ofMillis(200));
        onLoop(() -> {
            flush(m, 0, 0, 20); // the first goes at once: the copy exists from the first event on
            for (long s = 1; s <= 5; s++) {
                flush(m, s, s, 20);
            }
        });
        Await.until("the burst is in Redis", () -> holds(m, 5));
        List<StreamMessage<String, byte[]>> all = entries(m);
        assertEquals(2, all.size(), "the first flush, then one entry for the five flushes after it: " + all);
        MirrorEntry burst = entry(all.get(1));
        assertEquals("6-0", burst.id(), "its id still follows its last event");
        assertArrayEquals(new long[] {1, 2, 3, 4, 5}, burst.sequences());
        assertArrayEquals(sse(3, 20), burst.events()[2]);
        assertFalse(burst.malformed() || burst.end() || burst.gap());

        onLoop(() -> flush(m, 6, 7, 20)); // the next period has its own entry
        Await.until("the next batch is in Redis", () -> holds(m, 7));
        assertArrayEquals(new long[] {6, 7}, entry(entries(m).get(2)).sequences());
    }

    @Test
    void theEndSendsWhatWaitsAtOnceAndItsMarkComesLast() throws Exception {
        StreamMirror m = mirror(Duration.ofMinutes(10)); // no timer fires while the test runs
        onLoop(() -> {
            flush(m, 0, 0, 20);
            flush(m, 1, 2, 20);
            flush(m, 3, 3, 20);
            m.event(4, sse(4, 20)); // handed over by the journal as it ends, without a flush of its own
            m.ended();
        });
        Await.until("the end is in Redis", () -> entries(m).stream().anyMatch(e -> entry(e).end()));
        List<MirrorEntry> all = entries(m).stream().map(StreamMirrorTest::entry).toList();
        assertEquals(3, all.size(), all.toString());
        assertArrayEquals(new long[] {0}, all.get(0).sequences());
        assertArrayEquals(new long[] {1, 2, 3, 4}, all.get(1).sequences(), "sent at the end, not at the next tick");
        assertTrue(all.get(2).end(), "the end mark follows the last events");
        assertEquals(0, all.get(2).sequences().length);
        assertEquals(StreamMirror.State.ENDED, m.state());
    }

    @Test
    void aBatchPastTheByteBoundGoesAtOnce() throws Exception {
        StreamMirror m = mirror(Duration.ofMinutes(10));
        int big = StreamMirror.MAX_BATCH_BYTES * 2 / 3;
        onLoop(() -> {
            flush(m, 0, 0, 20);
            flush(m, 1, 1, big); // under the bound: waits for the cadence
            flush(m, 2, 2, big); // past it: goes now
            flush(m, 3, 3, 20);
        });
        Await.until("the large batch is in Redis", () -> holds(m, 2));
        List<MirrorEntry> all = entries(m).stream().map(StreamMirrorTest::entry).toList();
        assertEquals(2, all.size(), all.toString());
        assertArrayEquals(new long[] {1, 2}, all.get(1).sequences());
        onLoop(m::ended);
        Await.until("the end is in Redis", () -> entries(m).stream().anyMatch(e -> entry(e).end()));
        assertArrayEquals(new long[] {3}, entry(entries(m).get(2)).sequences());
    }

    @Test
    void aZeroCadenceWritesEachFlush() throws Exception {
        StreamMirror m = mirror(Duration.ZERO);
        onLoop(() -> {
            flush(m, 0, 0, 20);
            flush(m, 1, 2, 20);
            flush(m, 3, 3, 20);
        });
        Await.until("every flush is in Redis", () -> holds(m, 3));
        List<MirrorEntry> all = entries(m).stream().map(StreamMirrorTest::entry).toList();
        assertEquals(3, all.size(), all.toString());
        assertArrayEquals(new long[] {1, 2}, all.get(1).sequences());
    }
}
