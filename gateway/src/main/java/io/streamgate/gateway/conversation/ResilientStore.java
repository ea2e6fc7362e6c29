package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.metrics.LogValue;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shared store (PostgreSQL) as the gateway uses it, so that an outage of the database neither loses what was said
 * nor keeps requests waiting on it.
 *
 * <ul>
 *   <li>A call that finds the database unreachable ({@link StoreUnavailableException}) marks it down in
 *       {@link StoreHealth}: one log line. Reads and claims then fail at once with that exception, without touching
 *       the database (the router answers new streams and history reads 503 {@code store_unavailable} before they
 *       get here).
 *   <li>Writes of streams already running (their question, their answer) are never refused for the outage: they
 *       wait in a bounded {@link WriteOutbox}, in order per conversation, and a write to a conversation with writes
 *       waiting queues behind them. A write that does not fit is dropped, counted, and thrown, so the caller logs it:
 *       never silently.
 *   <li>While down, one retry thread probes the database with backoff ({@value #FIRST_RETRY_MS} ms doubling to
 *       {@value #MAX_RETRY_MS} ms, one connection attempt at a time), so nothing hammers it. Once it answers, the
 *       store is up again (one log line) and the waiting writes are made, oldest first, on that thread.
 * </ul>
 *
 * <p>The writes wait in memory: a node that stops while the database is still down logs how many it could not
 * make.
 */
public final class ResilientStore implements ConversationStore {

    private static final Logger log = LoggerFactory.getLogger(ResilientStore.class);
    static final long FIRST_RETRY_MS = 250;
    static final long MAX_RETRY_MS = 5_000;

    private final ConversationStore store;
    private final Runnable probe;
    private final String name;
    private final StoreHealth health;
    private final WriteOutbox outbox;
    private final ScheduledThreadPoolExecutor retry;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private long nextRetryMs = FIRST_RETRY_MS; // on the retry thread only

    /**
     * @param probe reaches the database once, throwing {@link StoreUnavailableException} when it cannot
     * @param name where the database is, for log lines (never a password)
     * @param outboxBytes how much the writes waiting for the database may hold
     */
    public ResilientStore(ConversationStore store, Runnable probe, String name, StoreHealth health, long outboxBytes) {
        this.store = requireNonNull(store, "store");
        this.probe = requireNonNull(probe, "probe");
        this.name = requireNonNull(name, "name");
        this.health = requireNonNull(health, "health");
        this.outbox = new WriteOutbox(outboxBytes);
        this.retry = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("streamgate-store-retry").factory());
        retry.setRemoveOnCancelPolicy(true);
    }

    /**
     * The store as {@code /readyz} shows it.
     *
     * @param since when it last went up or down
     */
    public record View(boolean up, Instant since, int pendingWrites, long droppedWrites) {}

    /** Its state now; reads memory only, so an event loop may call it. */
    public View view() {
        return new View(health.isUp(), health.since(), outbox.size(), dropped.sum());
    }

    /** Writes waiting for the database. */
    public int pendingWrites() {
        return outbox.size();
    }

    /** Writes given up since start: the outbox was full, or the database refused a waiting write. */
    public long droppedWrites() {
        return dropped.sum();
    }

    /** Waiting writes made after the database came back, since start. */
    public long replayedWrites() {
        return replayed.sum();
    }

    @Override
    public Optional<String> owner(String conversationId) {
        return read(() -> store.owner(conversationId));
    }

    @Override
    public Optional<Conversation> find(String conversationId) {
        return read(() -> store.find(conversationId));
    }

    @Override
    public Optional<HistoryPage> page(String conversationId, long beforeSeq, int limit) {
        return read(() -> store.page(conversationId, beforeSeq, limit));
    }

    @Override
    public String claim(String conversationId, String tenant) {
        return read(() -> store.claim(conversationId, tenant));
    }

    @Override
    public List<StoredMessage> recent(String conversationId, int maxMessages) {
        return read(() -> store.recent(conversationId, maxMessages));
    }

    @Override
    public void forEachConversationId(Consumer<String> action) {
        read(() -> {
            store.forEachConversationId(action);
            return null;
        });
    }

    @Override
    public void appendUser(String conversationId, String tenant, String text) {
        requireNonNull(conversationId, "conversationId");
        requireNonNull(tenant, "tenant");
        requireNonNull(text, "text");
        write(new WriteOutbox.UserMessage(conversationId, tenant, text));
    }

    @Override
    public void appendAssistant(String conversationId, AssistantTurn turn) {
        requireNonNull(conversationId, "conversationId");
        requireNonNull(turn, "turn");
        write(new WriteOutbox.Answer(conversationId, turn));
    }

    /**
     * Stops retrying; makes what waits if the database is up, and logs what could not be made (the writes held
     * only in memory are lost with the process). Then closes the store.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        retry.shutdownNow();
        try {
            retry.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (health.isUp()) {
            drain();
        }
        int lost = outbox.size();
        if (lost > 0) {
            dropped.add(lost);
            log.error("conversation store: stopping with {} writes not made ({} is unreachable); they are lost",
                    lost, name);
        }
        store.close();
    }

    private <T> T read(Supplier<T> call) {
        if (!health.isUp()) {
            throw new StoreUnavailableException("the conversation store (" + name + ") is unreachable", null);
        }
        try {
            return call.get();
        } catch (StoreUnavailableException e) {
            wentDown(e);
            throw e;
        }
    }

    private void write(WriteOutbox.Write write) {
        if (!health.isUp()) {
            queue(write);
            return;
        }
        Optional<Boolean> queued = outbox.offerIfPending(write);
        if (queued.isPresent()) {
            if (!queued.get()) {
                throw droppedFull(write);
            }
            scheduleDrain();
            return;
        }
        try {
            write.applyTo(store);
        } catch (StoreUnavailableException e) {
            wentDown(e);
            queue(write);
        }
    }

    private void queue(WriteOutbox.Write write) {
        if (!outbox.offer(write)) {
            throw droppedFull(write);
        }
        if (health.isUp()) {
            scheduleDrain(); // it came back meanwhile: the probe that saw it may have drained before this arrived
        }
    }

    private StoreUnavailableException droppedFull(WriteOutbox.Write write) {
        dropped.increment();
        return new StoreUnavailableException("the conversation store (" + name + ") is unreachable and the writes "
                + "waiting for it are at their bound (" + outbox.size() + " writes, " + outbox.bytes() / 1024
                + " KiB): this " + (write instanceof WriteOutbox.Answer ? "answer" : "question") + " is dropped", null);
    }

    private void wentDown(StoreUnavailableException e) {
        if (health.markDown()) {
            log.warn("conversation store: {} is unreachable ({}); new streams and history reads get 503 "
                    + "store_unavailable, answers of running streams wait in memory until it is back",
                    name, LogValue.of(e.getCause() != null ? e.getCause() : e));
            scheduleProbe(FIRST_RETRY_MS);
        }
    }

    private void scheduleProbe(long delayMs) {
        try {
            retry.schedule(this::probeOnce, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closing: close() logs what is left
        }
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                retry.execute(this::drainScheduled);
            } catch (RejectedExecutionException closing) {
                drainScheduled.set(false); // closing: close() drains or logs what is left
            }
        }
    }

    /** On the retry thread: reaches the database; when it answers, the store is up and what waits is written. */
    private void probeOnce() {
        try {
            probe.run();
        } catch (StoreUnavailableException stillDown) {
            nextRetryMs = Math.min(MAX_RETRY_MS, nextRetryMs * 2);
            scheduleProbe(nextRetryMs);
            return;
        } catch (RuntimeException e) {
            // reachable but failing: not an outage this class can wait out; the calls will say what fails
            log.warn("conversation store: probing {} failed: {}", name, LogValue.of(e));
        }
        nextRetryMs = FIRST_RETRY_MS;
        if (health.markUp()) {
            log.info("conversation store: {} is reachable again; making the {} writes that waited for it",
                    name, outbox.size());
        }
        drain();
    }

    private void drainScheduled() {
        drainScheduled.set(false);
        if (health.isUp()) {
            drain();
        }
    }

    /** Makes the waiting writes, oldest first, until none is left or the database is unreachable again. */
    private void drain() {
        for (Optional<WriteOutbox.Write> head = outbox.head(); head.isPresent(); head = outbox.head()) {
            WriteOutbox.Write write = head.get();
            try {
                write.applyTo(store);
                replayed.increment();
            } catch (StoreUnavailableException e) {
                wentDown(e);
                return;
            } catch (RuntimeException e) {
                dropped.increment();
                log.error("conversation {}: a write that waited for the store was refused and is dropped: {}",
                        LogValue.of(write.conversationId()), LogValue.of(e));
            }
            outbox.remove(write);
        }
    }
}
