package io.streamgate.gateway.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streamgate.gateway.StreamGate;
import io.streamgate.gateway.config.GatewayConfig;

/**
 * The main class of a {@link GatewayNode}'s JVM: the gateway as {@code io.streamgate.gateway.Main} runs it, and on
 * SIGTERM, once the gateway has stopped, a round of garbage collection and allocations so that Netty's leak detector
 * (paranoid in these JVMs) reports any buffer that was never released: the report is a {@code LEAK:} line in the
 * node's output, which {@link GatewayNode#stop} turns into a failure.
 *
 * <p>{@value #LEAK_ONE_BUFFER} (a system property) makes the node drop one buffer unreleased at start, so that a
 * test can see the check fail.
 */
public final class GatewayNodeMain {

    static final String LEAK_ONE_BUFFER = "streamgate.test.leakOneBuffer";

    private GatewayNodeMain() {}

    public static void main(String[] args) throws InterruptedException {
        StreamGate gate = StreamGate.start(GatewayConfig.fromEnvironment());
        if (Boolean.getBoolean(LEAK_ONE_BUFFER)) {
            PooledByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42); // never released, on purpose
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            gate.close();
            surfaceLeaks();
        }));
        Thread.currentThread().join();
    }

    /** As {@code LeakDetectionExtension} does after each test class: collect, then allocate so the detector looks. */
    @SuppressWarnings("removal") // runFinalization: still the way to drain pending finalizers before the check
    private static void surfaceLeaks() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            System.runFinalization();
            for (int j = 0; j < 64; j++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                a.release();
                b.release();
            }
        }
    }
}
