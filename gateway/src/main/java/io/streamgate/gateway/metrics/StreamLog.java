package io.streamgate.gateway.metrics;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per finished stream, written off the event loop.
 *
 * <p>Why a queue: the logging backend writes to stderr synchronously, and a blocked write must never stall an
 * event loop. Lines go into a bounded queue that one daemon thread drains; when it is full a line is dropped and
 * counted, never waited for. Lines carry ids, figures and status only: never prompt text, answer text or keys.
 */
public final class StreamLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("streamgate.streams");
    private static final int CAPACITY = 8192;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;

    public StreamLog() {
        writer = log.isInfoEnabled() ? Thread.ofPlatform().daemon().name("streamgate-stream-log").start(this::drain) : null;
    }

    /** Queues one line; never blocks. */
    public void finished(String line) {
        if (log.isInfoEnabled() && !lines.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    public long dropped() {
        return dropped.get();
    }

    /** Writes the lines still queued and stops the writer thread. Lines queued afterwards are not written. */
    @Override
    public void close() {
        if (writer != null) {
            writer.interrupt();
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void drain() {
        try {
            while (true) {
                log.info(lines.take());
            }
        } catch (InterruptedException e) {
            for (String line = lines.poll(); line != null; line = lines.poll()) {
                log.info(line);
            }
        }
    }
}
