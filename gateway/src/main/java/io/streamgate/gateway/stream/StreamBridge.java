package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.metrics.GatewayMetrics.Outcome;
import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.gateway.tools.ToolResult;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.TokenRing;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's path from the provider to the client: the consumer side of its {@link TokenRing}, and the writer of
 * its events. The turn's agent loop (history, provider calls, tools, storing the answer) is its {@link AgentLoop}.
 *
 * <p>Threads: the provider client's thread only publishes into the ring. With OkHttp (a virtual thread per call) the
 * ring wakes this bridge once per batch by scheduling {@link #drain()} on the channel's event loop. With the Netty
 * transport every call of the stream is read on this same loop (the ring's {@link TokenRing#home() home}, whichever
 * thread opened the call), and each read batch ends with {@link #batchEnded()}, which drains right there, without a
 * task. Every method here runs on that event loop (asserted), so the bridge needs no
 * locks; the only cross-thread state is the ring itself and the agent loop's upstream call. The memory gauge reads
 * {@link #bufferedBytes()} and {@link #heldBytes()} from its own thread, racily.
 *
 * <p>Lifecycle ({@link State}): {@code NEW → STREAMING ⇄ PAUSED → ENDED}; either live state may end. Running tools
 * are not a state of their own here: the client can stop reading while a tool runs, so they are the agent loop's
 * ({@link AgentLoop#toolsRunning()}), and the stream is {@code STREAMING} or {@code PAUSED} meanwhile.
 *
 * <p>Backpressure: a drain that finds the channel unwritable pauses and leaves events in the ring. The ring
 * fills, and the producer stops reading: OkHttp's thread parks on the full ring, the Netty call turns
 * {@code autoRead} off once the ring is half full; either way TCP pushes back on the provider. When the channel
 * drains ({@link #onWritabilityChanged()}), everything that queued leaves as one merged chunk.
 *
 * <p>Ending: exactly one of {@code complete_state}, {@code error} or a silent cancel (client gone) ends the
 * stream ({@link #end}), and each path closes the ring, has the agent loop cancel the upstream call (unless it
 * finished) and any running tools and store the turn, and releases what it holds.
 */
public final class StreamBridge {

    /** Where a stream is in its life, as far as the writer is concerned. */
    private enum State {
        /** Built; {@link #start} not called yet. */
        NEW,
        /** Events are written as they are drained. */
        STREAMING,
        /**
         * The client is not keeping up: events wait in the ring, wake-ups are off, the stall check runs and the
         * provider's silence is excused. {@link #onWritabilityChanged()} resumes.
         */
        PAUSED,
        /** {@code complete_state} or {@code error} was written, or the client left; whatever comes later is ignored. */
        ENDED
    }

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);

    private final EventLoop loop;
    private final EventOutput output;
    private final StreamTag tag;
    private final StreamSettings settings;
    private final GatewayMetrics metrics;
    private final StreamServices services;
    private final Runnable onEnd;
    private final LongSupplier clock;
    private final TokenRing ring;
    private final ChunkCoalescer coalescer;
    private final UpstreamWatchdog watchdog;
    private final Runnable drainTask = this::drain;
    private final Runnable flushTimerTask = this::onFlushTimer;
    private final long acceptedNanos;

    private State state = State.NEW;
    private AgentLoop agent; // set by start()
    private long sequence;
    private long textDeltas;
    private long firstTokenNanos = -1;
    private AnswerStats stats; // what complete_state reported, for the store
    private BooleanSupplier fromCache = () -> false;
    private String finishReason = "-";
    private String errorCode = "-";
    private boolean flushTimerArmed;
    private ScheduledFuture<?> pingTask;
    private ScheduledFuture<?> stallCheck;

    StreamBridge(
            EventLoop loop, EventOutput output, StreamTag tag, StreamServices services, long acceptedNanos, Runnable onEnd) {
        this.loop = requireNonNull(loop, "loop");
        this.output = requireNonNull(output, "output");
        this.tag = requireNonNull(tag, "tag");
        this.services = requireNonNull(services, "services");
        this.settings = services.settings();
        this.metrics = services.metrics();
        this.onEnd = requireNonNull(onEnd, "onEnd");
        this.acceptedNanos = acceptedNanos;
        this.clock = services.clock();
        // The ring names this loop as its home: the Netty transport reads every call of the stream here, whichever
        // thread opens it (a store thread after reading the history, after tools, a retry after its backoff).
        this.ring = new TokenRing(settings.ringCapacity(), loop, () -> loop.execute(drainTask), this::batchEnded, clock);
        this.coalescer = new ChunkCoalescer(settings.coalesceMaxTokens(), this::emit);
        this.watchdog = new UpstreamWatchdog(loop, settings.firstTokenTimeout(), settings.upstreamIdleTimeout(),
                () -> state == State.PAUSED || agent.toolsRunning(), ring::nanosSinceActivity, this::fail);
    }

    /** Opens the first upstream call (see {@link AgentLoop#open}) and sends the response head at once. */
    void start(StreamPlan plan) {
        assert loop.inEventLoop();
        assert state == State.NEW;
        agent = new AgentLoop(loop, plan, ring, tag, settings, new AgentEvents());
        fromCache = plan.fromCache();
        state = State.STREAMING;
        services.registry().add(this);
        metrics.streamStarted();
        watchdog.stepStarted();
        agent.open();
        // After the first call is opened (or its opening queued to a store thread): writing the head is a syscall
        // the call need not wait for. Anything the call publishes is drained in a later task, so the head still
        // leaves first.
        output.start();
        long ping = settings.pingInterval().toNanos();
        pingTask = loop.scheduleAtFixedRate(this::pingIfIdle, ping, ping, TimeUnit.NANOSECONDS);
    }

    /**
     * A producer ended a batch of publishes that woke nobody ({@link TokenRing#batchEnded()}). Only the Netty
     * transport brackets batches (OkHttp's thread wakes the drain per batch through the ring), and it reads every call
     * on the ring's home, this channel's loop, whichever thread opened it: so this runs here at the end of each read
     * and drains inline: no task, no wake-up, one flush for the batch. A paused stream leaves the events in the ring
     * (a writability change resumes it). A batch ending on another thread would mean a transport whose loops are not
     * the gateway's (the end-to-end tests check that none does): it is still drained, through a task. Not an
     * assertion: thrown here, it would leave the producer's call half finished.
     */
    private void batchEnded() {
        if (!loop.inEventLoop()) {
            loop.execute(drainTask);
            return;
        }
        if (state == State.STREAMING) {
            drain();
        }
    }

    /** Polls the ring until it is empty, the channel stops being writable, or the stream ends. */
    private void drain() {
        assert loop.inEventLoop();
        if (state == State.ENDED) {
            return;
        }
        ring.beginDrain();
        if (!output.isWritable()) {
            pause();
            return;
        }
        boolean catchUp = state == State.PAUSED;
        state = State.STREAMING;
        cancelStallCheck();
        if (!ring.isEmpty()) {
            watchdog.heardFrom();
        }
        int budget = ring.capacity();
        UpstreamEvent event;
        while (state != State.ENDED && (event = ring.poll()) != null) {
            handle(event, catchUp);
            if (--budget == 0 && !ring.isEmpty()) {
                // Yield so one fast stream cannot starve the other channels of this event loop.
                output.flush();
                loop.execute(drainTask);
                return;
            }
        }
        if (state == State.ENDED) {
            return;
        }
        if (coalescer.hasPending()) {
            // Wait only if we flushed less than max-delay ago: a slow stream's tokens leave at once, a fast
            // stream's merge, and no client sees more than one flush per max-delay from this stream.
            long sinceFlush = loop.ticker().nanoTime() - output.lastWriteNanos();
            long maxDelay = settings.coalesceMaxDelay().toNanos();
            if (catchUp || sinceFlush >= maxDelay) {
                coalescer.flush();
            } else {
                armFlushTimer(maxDelay - sinceFlush);
            }
        }
        output.flush();
    }

    private void handle(UpstreamEvent event, boolean catchUp) {
        if (!(event instanceof UpstreamEvent.Failed)) {
            agent.steps().delivered();
        }
        switch (event) {
            case UpstreamEvent.TextDelta t -> {
                if (agent.steps().answer().length() + t.text().length() > settings.maxAnswerChars()) {
                    fail(UpstreamError.of(ErrorCode.UPSTREAM_ERROR, "the answer exceeds the gateway's size limit", false));
                    return;
                }
                agent.steps().text(t.text());
                textDeltas++;
                coalescer.add(ChunkCoalescer.Kind.TEXT, t.text(), ring.lastPolledArrivalNanos(), catchUp);
            }
            case UpstreamEvent.ThinkingDelta t -> {
                agent.steps().reasoning(t.text());
                coalescer.add(ChunkCoalescer.Kind.THINKING, t.text(), ring.lastPolledArrivalNanos(), catchUp);
            }
            case UpstreamEvent.SignedThinking s -> agent.steps().thinking(s); // for the provider; the client had it
            case UpstreamEvent.ToolCall c -> {
                coalescer.flush();
                agent.steps().toolCall(c);
                emit(new StreamEvent.ToolCall(c.id(), c.name(), c.argumentsJson()));
            }
            case UpstreamEvent.RawEvent r -> // only a pass-through parser publishes these, never the conversation API's
                    fail(UpstreamError.of(ErrorCode.INTERNAL, "a pass-through event reached a conversation stream", false));
            case UpstreamEvent.Completed c -> agent.stepCompleted(c);
            case UpstreamEvent.Failed f -> fail(f.error());
        }
    }

    /** The agent loop's side of the stream: what it asks the writer to do. */
    private final class AgentEvents implements AgentLoop.Listener {

        @Override
        public void answered(String finishReason) {
            complete(finishReason, Outcome.SUCCESS);
        }

        @Override
        public void toolsStarting() {
            coalescer.flush();
            output.flush();
        }

        @Override
        public void toolsDone(List<ToolResult> results) {
            for (ToolResult r : results) {
                emit(new StreamEvent.ToolResult(r.toolCallId(), r.toolName(), r.resultJson(), r.isError()));
            }
            output.flush();
            watchdog.stepStarted();
        }

        @Override
        public void failed(UpstreamError error) {
            fail(error);
        }
    }

    /** Ends the stream with its {@code complete_state}: the provider finished, or the stream was stopped. */
    private void complete(String reason, Outcome outcome) {
        coalescer.finish();
        finishReason = reason;
        emitCompleteState(reason);
        endThenFinish(outcome);
    }

    private void emitCompleteState(String reason) {
        Usage usage = agent.steps().usage();
        long totalTokens = usage.hasCompletionTokens() ? usage.completionTokens() : textDeltas;
        double elapsedSeconds = (System.nanoTime() - acceptedNanos) / 1e9;
        long firstTokenMs = firstTokenNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(firstTokenNanos - acceptedNanos);
        boolean cached = fromCache.getAsBoolean();
        stats = new AnswerStats(totalTokens, Math.max(-1, usage.promptTokens()), coalescer.chunksEmitted(),
                elapsedSeconds, firstTokenMs, cached);
        emit(new StreamEvent.CompleteState(
                agent.steps().answer().toString(),
                totalTokens,
                usage.promptTokens(),
                usage.cacheCreationInputTokens(),
                usage.cacheReadInputTokens(),
                coalescer.chunksEmitted(),
                elapsedSeconds,
                reason,
                cached));
    }

    private void fail(UpstreamError error) {
        coalescer.flush(); // what the client has not seen yet still reaches it, before the error
        errorCode = error.code().wireName();
        emit(new StreamEvent.Error(error.code(), error.message(), error.retryable()));
        endThenFinish(error.code() == ErrorCode.UPSTREAM_TIMEOUT ? Outcome.TIMEOUT : Outcome.ERROR);
    }

    /**
     * The client went away. Without a resume grace the provider is stopped at once; with one, the stream goes on
     * (kept in its journal) for that long, and stops then unless a resumed client follows it.
     */
    public void onChannelClosed() {
        assert loop.inEventLoop();
        if (state == State.ENDED) {
            return;
        }
        long grace = settings.resumeGrace().toNanos();
        if (grace > 0 && output.detach()) {
            loop.schedule(() -> {
                if (state != State.ENDED && !output.hasFollowers()) {
                    stop();
                }
            }, grace, TimeUnit.NANOSECONDS);
            if (state == State.PAUSED) {
                drain(); // a detached output is always writable
            }
            return;
        }
        output.detach();
        stop();
    }

    /**
     * Stops the generation ({@code DELETE .../stream}, or the client left): the provider call is cancelled, and the
     * stream ends with a {@code complete_state} whose {@code finish_reason} is {@code cancelled} and whose
     * {@code final_message} is the text so far. Returns whether there was a generation to stop.
     */
    public boolean stop() {
        assert loop.inEventLoop();
        if (state == State.ENDED) {
            return false;
        }
        keepQueuedText();
        if (state == State.ENDED) {
            return true; // the queued text went over the answer's size limit, and that ended the stream
        }
        complete("cancelled", Outcome.CANCELLED);
        return true;
    }

    /**
     * Takes in the text the provider sent before the stop but the client was not sent yet (a paused or detached
     * stream holds up to a ring of it), so that the stored answer and {@code final_message} lose none of it. Stops at
     * the first tool call (which is not run once the turn is stopped) or the provider's own end.
     */
    private void keepQueuedText() {
        for (int budget = ring.capacity(); budget > 0 && state != State.ENDED; budget--) {
            UpstreamEvent event = ring.poll();
            if (event == null || event instanceof UpstreamEvent.ToolCall || event.isTerminal()) {
                return;
            }
            handle(event, true);
        }
    }

    /** Resumes a paused drain once the client has caught up. */
    public void onWritabilityChanged() {
        assert loop.inEventLoop();
        if (state == State.PAUSED && output.isWritable()) {
            drain();
        }
    }

    /**
     * Ends the stream, then writes what is batched and the body's end. The write happens even when ending throws (a
     * store executor that refuses the answer's write while the gateway shuts down), or the batch would leak.
     */
    private void endThenFinish(Outcome outcome) {
        try {
            end(outcome);
        } finally {
            output.finish();
        }
    }

    private void end(Outcome outcome) {
        state = State.ENDED;
        cancelStallCheck();
        ring.close();
        agent.end(outcome, finishReason, errorCode, stats);
        ring.clear();
        if (pingTask != null) {
            pingTask.cancel(false);
        }
        watchdog.cancel();
        metrics.streamEnded(outcome);
        boolean cached = fromCache.getAsBoolean(); // no provider call, nothing to bill
        if (!cached) {
            metrics.upstreamRequest(tag.provider(), outcome == Outcome.SUCCESS ? "success"
                    : outcome == Outcome.CANCELLED ? "cancelled" : errorCode);
        }
        services.registry().remove(this);
        if (!cached) {
            services.usage().bill(tag.tenant(), tag.route(), agent.steps().tokens(outcome == Outcome.CANCELLED));
        }
        long firstToken = firstTokenNanos < 0 ? -1 : firstTokenNanos - acceptedNanos;
        services.log().finished(new StreamEndLine(tag, outcome, errorCode, finishReason, firstToken,
                System.nanoTime() - acceptedNanos, agent.steps().usage(), agent.steps().step(),
                coalescer.chunksEmitted(), sequence).format());
        onEnd.run();
    }

    private void emit(StreamEvent event) {
        emit(event, ChunkCoalescer.UNTIMED);
    }

    /**
     * Writes one event. For text, {@code oldestArrivalNanos} is when its oldest delta arrived from upstream: the
     * time since is the gateway's added latency for this chunk. Only text is timed, and only from its own deltas'
     * arrival, so the time a tool runs or the model thinks before answering is never counted.
     */
    private void emit(StreamEvent event, long oldestArrivalNanos) {
        output.event(event, sequence++, System.currentTimeMillis());
        if (sequence == 1) {
            metrics.firstByte(System.nanoTime() - acceptedNanos);
        }
        if (event instanceof StreamEvent.MessageChunk chunk) {
            metrics.chunkWritten();
            if (firstTokenNanos < 0 && !chunk.content().isEmpty()) {
                firstTokenNanos = System.nanoTime();
                metrics.firstToken(firstTokenNanos - acceptedNanos);
            }
            if (oldestArrivalNanos != ChunkCoalescer.UNTIMED && !chunk.content().isEmpty()) {
                // Encoded now and flushed at the end of this same drain.
                metrics.gatewayAdded(clock.getAsLong() - oldestArrivalNanos);
            }
        }
    }

    private void pause() {
        state = State.PAUSED;
        ring.suppressWakeups(); // onWritabilityChanged() resumes us; producers need not wake us meanwhile
        if (stallCheck == null) {
            stallCheck = loop.schedule(this::onClientStalled, settings.clientStallTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The client has taken nothing for the stall timeout: without this a connection that stops reading would hold
     * its stream, the provider call and their buffers forever. Closing it ends the stream as a disconnect does.
     */
    private void onClientStalled() {
        assert loop.inEventLoop();
        stallCheck = null;
        if (state == State.PAUSED) {
            log.info("conversation {}: the client read nothing for {} ms; closing its connection",
                    LogValue.of(tag.conversationId()), settings.clientStallTimeout().toMillis());
            output.closeConnection();
        }
    }

    private void cancelStallCheck() {
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
    }

    private void armFlushTimer(long delayNanos) {
        if (!flushTimerArmed) {
            flushTimerArmed = true;
            loop.schedule(flushTimerTask, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onFlushTimer() {
        assert loop.inEventLoop();
        flushTimerArmed = false;
        if (state == State.STREAMING && coalescer.hasPending()) {
            coalescer.flush();
            output.flush();
        }
    }

    private void pingIfIdle() {
        assert loop.inEventLoop();
        long interval = settings.pingInterval().toNanos();
        boolean idle = loop.ticker().nanoTime() - output.lastWriteNanos() >= interval / 2;
        if (state != State.ENDED && output.isWritable() && idle) {
            output.ping();
        }
    }

    /** Bytes this stream buffers on the way to the client: queued events, pending text, the socket's backlog. */
    long bufferedBytes() {
        return ring.retainedBytes() + 2L * coalescer.pendingChars() + output.pendingBytes();
    }

    /**
     * Everything this stream holds: what it buffers, the answer kept for {@code final_message} and the thinking kept
     * for the store.
     */
    long heldBytes() {
        return bufferedBytes() + agent.steps().answer().length() + agent.steps().reasoningLength();
    }
}
