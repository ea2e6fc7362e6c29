package io.streamgate.gateway.testing;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingMethod;

/**
 * BlockHound, installed once per JVM, watching the threads that must never block: the gateway's event loops
 * ({@code streamgate-io-*}) and Lettuce's ({@code lettuce-*}: its I/O loops, where Redis replies complete the
 * gateway's futures, its computation threads and its timer). A blocking call on one of them (a socket or file read or
 * write, a park, a sleep, a wait: what JDK methods BlockHound instruments) is recorded with its stack instead of being
 * thrown on the loop, where Netty would swallow the error; a test reads {@link #violations()} afterwards.
 *
 * <p>Only the name predicate marks threads: Netty's own BlockHound integration (loaded from the class path) would
 * also mark every Netty thread of the test's own fake provider and clients, whose blocking is the test's business;
 * its allow-list of Netty internals is kept. Needs {@code -XX:+AllowRedefinitionToAddDeleteMethods} (BlockHound adds
 * methods to JDK classes it redefines) and its own test JVM: see the {@code never-blocks} surefire execution.
 */
public final class NonBlockingThreads {

    /** A blocking call seen on a watched thread. */
    public record Violation(String thread, String method, Throwable stack) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(method + " on " + thread);
            for (StackTraceElement e : stack.getStackTrace()) {
                s.append("\n    at ").append(e);
            }
            return s.toString();
        }
    }

    /** The threads that must never block. */
    public static final Predicate<Thread> WATCHED = t -> t.getName().startsWith("streamgate-io-")
            || t.getName().startsWith("lettuce-");

    private static final Queue<Violation> VIOLATIONS = new ConcurrentLinkedQueue<>();
    private static boolean installed;

    private NonBlockingThreads() {}

    /** Installs BlockHound (once per JVM) and forgets the violations seen so far. */
    public static synchronized void watch() {
        if (!installed) {
            BlockHound.builder()
                    .loadIntegrations()
                    // Lettuce 7.7 counts a connection's writers under a ReentrantLock that is held only for that
                    // count, or while the connection drains its queued commands on a reconnect (Netty writes, no
                    // I/O waited for): two threads writing at once may park for that instant. Not a wait on Redis.
                    .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
                    .nonBlockingThreadPredicate(ignoredIntegrations -> WATCHED)
                    .blockingMethodCallback(NonBlockingThreads::record)
                    .install();
            installed = true;
        }
        VIOLATIONS.clear();
    }

    private static void record(BlockingMethod method) {
        VIOLATIONS.add(new Violation(Thread.currentThread().getName(), method.toString(), new Throwable()));
    }

    /** The blocking calls seen on watched threads since {@link #watch()}, in order. */
    public static List<Violation> violations() {
        return List.copyOf(VIOLATIONS);
    }
}
