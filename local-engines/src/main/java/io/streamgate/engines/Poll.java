package io.streamgate.engines;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** A bounded wait for a starting server: the timeout only ends a hung start, it never paces one. */
final class Poll {

    private static final long INTERVAL_NANOS = Duration.ofMillis(5).toNanos();

    private Poll() {}

    /** @throws IllegalStateException when {@code condition} is still false after {@code timeout} */
    static void until(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting until " + what);
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }
}
