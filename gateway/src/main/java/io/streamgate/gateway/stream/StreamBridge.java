package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.gateway.tools.ToolResult;
import io.streamgate.gateway.metrics.GatewayMetrics.Outcome;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.TokenRing;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's path from the upstream thread to the client: the consumer side of its {@link TokenRing}.
 *
 * <p>Threads: the upstream thread only publishes into the ring, which wakes this bridge once per batch by
 * scheduling {@link #drain()} on the channel's event loop. Everything else here runs on that event loop, so
 * the bridge needs no locks. The only cross-thread state is the ring itself and {@link #call}.
 *
 * <p>Backpressure: a drain that finds the channel unwritable pauses and leaves events in the ring. The ring
 * fills, the producer parks, OkHttp stops reading and TCP pushes back on the provider. When the channel
 * drains ({@link #onWritabilityChanged()}), everything that queued leaves as one merged chunk.
 *
 * <p>Ending: exactly one of {@code complete_state}, {@code error} or a silent cancel (client gone) ends the
 * stream, and each path closes the ring, cancels the upstream call and releases what it holds.
 */
public final class StreamBridge {

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);

    private static final UpstreamCall CANCELLED = () -> {};

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
    private final AtomicReference<UpstreamCall> call = new AtomicReference<>();
    private final AgentSteps steps;
    private final UpstreamWatchdog watchdog;
    private StreamPlan plan;
    private CompletableFuture<?> toolsInFlight;
    private final Runnable drainTask = this::drain;
    private final Runnable flushTimerTask = this::onFlushTimer;
    private final long acceptedNanos;

    private long sequence;
    private long textDeltas;
    private long firstTokenNanos = -1;
    private AnswerStats stats; // what complete_state reported, for the store
    private String finishReason = "-";
    private String errorCode = "-";
    private boolean firstEventWritten;
    private boolean paused;
    private boolean done;
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
        this.ring = new TokenRing(settings.ringCapacity(), () -> loop.execute(drainTask), clock);
        this.coalescer = new ChunkCoalescer(settings.coalesceMaxTokens(), this::emit);
        this.steps = new AgentSteps(settings.maxSteps(), settings.maxAnswerChars());
        this.watchdog = new UpstreamWatchdog(loop, settings.firstTokenTimeout(), settings.upstreamIdleTimeout(),
                () -> paused || toolsInFlight != null, this::fail);
    }

    /**
     * Sends the response head at once, then opens the first upstream call: here, when the history is known without
     * the store (a new conversation, or a cached window), or else on {@code plan}'s starter after the history is
     * read, since store I/O must never happen on the event loop. DNS and connecting happen on OkHttp's own threads
     * either way.
     */
    void start(StreamPlan plan) {
        assert loop.inEventLoop();
        this.plan = requireNonNull(plan, "plan");
        services.registry().add(this);
        metrics.streamStarted();
        watchdog.stepStarted();
        Optional<List<ChatMessage>> opening = plan.turn().openWithoutStore();
        if (opening.isPresent()) {
            // No history to read from the store, so the call starts here and now (OkHttp's enqueue does no I/O).
            // The question's write is queued first and commits while the call connects.
            plan.starter().execute(this::recordUserMessage);
            beginFirstStep(opening.get());
        } else {
            plan.starter().execute(this::openFirstStep);
        }
        // After the call's thread is on its way: writing the head is a syscall it need not wait for. Anything the
        // call publishes is drained in a later task, so the head still leaves first.
        output.start();
        long ping = settings.pingInterval().toNanos();
        pingTask = loop.scheduleAtFixedRate(this::pingIfIdle, ping, ping, TimeUnit.NANOSECONDS);
    }

    private void openFirstStep() {
        List<ChatMessage> opening;
        try {
            opening = plan.turn().open();
        } catch (RuntimeException e) {
            log.warn("conversation {}: cannot open the turn: {}", LogValue.of(tag.conversationId()), LogValue.of(e));
            recordUserMessage(); // the question is kept even when the history could not be read
            ring.publish(new UpstreamEvent.Failed(
                    UpstreamError.of(ErrorCode.INTERNAL, "the conversation store is unavailable", true)));
            return;
        }
        recordUserMessage(); // stored before the provider is called, so a question is never lost
        beginFirstStep(opening);
    }

    private void beginFirstStep(List<ChatMessage> opening) {
        steps.begin(opening);
        openUpstream(plan.request().withMessages(opening));
    }

    private void recordUserMessage() {
        try {
            plan.turn().recordUserMessage();
        } catch (RuntimeException e) {
            log.error("conversation {}: the question could not be stored: {}", LogValue.of(tag.conversationId()),
                    LogValue.of(e));
        }
    }

    /**
     * Opens one step's upstream call. Events from every step share the one ring. The call itself does no I/O
     * here; a failure to start publishes one event, which only the first step's empty ring may take on an event
     * loop, since a full ring parks its producer.
     */
    private void openUpstream(ChatRequest request) {
        if (ring.isClosed()) {
            return;
        }
        UpstreamCall previous = call.get();
        UpstreamCall opened;
        try {
            opened = plan.provider().stream(request, ring);
        } catch (RuntimeException e) {
            log.warn("conversation {}: cannot start the upstream call: {}", LogValue.of(tag.conversationId()),
                    LogValue.of(e));
            ring.publish(new UpstreamEvent.Failed(
                    UpstreamError.of(ErrorCode.INTERNAL, "could not start the upstream call", true)));
            return;
        }
        if (previous == CANCELLED || !call.compareAndSet(previous, opened)) {
            opened.cancel(); // the client left while we were starting
        }
    }

    /** Polls the ring until it is empty, the channel stops being writable, or the stream ends. */
    private void drain() {
        if (done) {
            return;
        }
        ring.beginDrain();
        if (!output.isWritable()) {
            pause();
            return;
        }
        boolean catchUp = paused;
        paused = false;
        cancelStallCheck();
        if (!ring.isEmpty()) {
            watchdog.heardFrom();
        }
        int budget = ring.capacity();
        UpstreamEvent event;
        while (!done && (event = ring.poll()) != null) {
            handle(event, catchUp);
            if (--budget == 0 && !ring.isEmpty()) {
                // Yield so one fast stream cannot starve the other channels of this event loop.
                output.flush();
                loop.execute(drainTask);
                return;
            }
        }
        if (done) {
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
        switch (event) {
            case UpstreamEvent.TextDelta t -> {
                if (steps.answer().length() + t.text().length() > settings.maxAnswerChars()) {
                    fail(UpstreamError.of(ErrorCode.UPSTREAM_ERROR, "the answer exceeds the gateway's size limit", false));
                    return;
                }
                steps.text(t.text());
                textDeltas++;
                coalescer.add(ChunkCoalescer.Kind.TEXT, t.text(), ring.lastPolledArrivalNanos(), catchUp);
            }
            case UpstreamEvent.ThinkingDelta t -> {
                steps.reasoning(t.text());
                coalescer.add(ChunkCoalescer.Kind.THINKING, t.text(), ring.lastPolledArrivalNanos(), catchUp);
            }
            case UpstreamEvent.SignedThinking s -> steps.thinking(s); // for the provider; the client had its text
            case UpstreamEvent.ToolCall c -> {
                coalescer.flush();
                steps.toolCall(c);
                emit(new StreamEvent.ToolCall(c.id(), c.name(), c.argumentsJson()));
            }
            case UpstreamEvent.Completed c -> stepCompleted(c);
            case UpstreamEvent.Failed f -> fail(f.error());
        }
    }

    /** One upstream call ended well: run the tools it asked for and continue, or finish the answer. */
    private void stepCompleted(UpstreamEvent.Completed completed) {
        steps.addUsage(completed.usage());
        if (!steps.wantsTools()) {
            complete(completed.finishReason());
        } else if (steps.mayContinue()) {
            runTools(steps.startTools());
        } else {
            complete("max_steps"); // the model still wanted tools, but the turn's step budget is spent
        }
    }

    private void runTools(List<UpstreamEvent.ToolCall> calls) {
        coalescer.flush();
        output.flush();
        CompletableFuture<List<ToolResult>> running = plan.tools().run(calls, plan.offeredTools());
        toolsInFlight = running;
        running.whenComplete((results, failure) -> loop.execute(() -> toolsDone(results, failure)));
    }

    private void toolsDone(List<ToolResult> results, Throwable failure) {
        toolsInFlight = null;
        if (done) {
            return;
        }
        if (failure != null) {
            fail(UpstreamError.of(ErrorCode.INTERNAL, "the tools could not be run", true));
            return;
        }
        for (ToolResult r : results) {
            emit(new StreamEvent.ToolResult(r.toolCallId(), r.toolName(), r.resultJson(), r.isError()));
        }
        output.flush();
        watchdog.stepStarted();
        List<ChatMessage> next = steps.toolsDone(results);
        plan.starter().execute(() -> openUpstream(plan.request().withMessages(next)));
    }

    private void complete(String reason) {
        coalescer.finish();
        finishReason = reason;
        emitCompleteState(reason);
        end(Outcome.SUCCESS);
        output.finish();
    }

    private void emitCompleteState(String reason) {
        Usage usage = steps.usage();
        long totalTokens = usage.hasCompletionTokens() ? usage.completionTokens() : textDeltas;
        double elapsedSeconds = (System.nanoTime() - acceptedNanos) / 1e9;
        long firstTokenMs = firstTokenNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(firstTokenNanos - acceptedNanos);
        stats = new AnswerStats(totalTokens, Math.max(-1, usage.promptTokens()), coalescer.chunksEmitted(),
                elapsedSeconds, firstTokenMs);
        emit(new StreamEvent.CompleteState(
                steps.answer().toString(),
                totalTokens,
                usage.promptTokens(),
                usage.cacheCreationInputTokens(),
                usage.cacheReadInputTokens(),
                coalescer.chunksEmitted(),
                elapsedSeconds,
                reason,
                false));
    }

    private void fail(UpstreamError error) {
        coalescer.flush(); // what the client has not seen yet still reaches it, before the error
        errorCode = error.code().wireName();
        emit(new StreamEvent.Error(error.code(), error.message(), error.retryable()));
        end(error.code() == ErrorCode.UPSTREAM_TIMEOUT ? Outcome.TIMEOUT : Outcome.ERROR);
        output.finish();
    }

    /**
     * The client went away. Without a resume grace the provider is stopped at once; with one, the stream goes on
     * (kept in its journal) for that long, and stops then unless a resumed client follows it.
     */
    public void onChannelClosed() {
        if (done) {
            return;
        }
        long grace = settings.resumeGrace().toNanos();
        if (grace > 0 && output.detach()) {
            loop.schedule(() -> {
                if (!done && !output.hasFollowers()) {
                    stop();
                }
            }, grace, TimeUnit.NANOSECONDS);
            if (paused) {
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
        if (done) {
            return false;
        }
        keepQueuedText();
        if (done) {
            return true; // the queued text went over the answer's size limit, and that ended the stream
        }
        coalescer.finish();
        finishReason = "cancelled";
        emitCompleteState("cancelled");
        end(Outcome.CANCELLED);
        output.finish();
        return true;
    }

    /**
     * Takes in the text the provider sent before the stop but the client was not sent yet (a paused or detached
     * stream holds up to a ring of it), so that the stored answer and {@code final_message} lose none of it. Stops at
     * the first tool call (which is not run once the turn is stopped) or the provider's own end.
     */
    private void keepQueuedText() {
        for (int budget = ring.capacity(); budget > 0 && !done; budget--) {
            UpstreamEvent event = ring.poll();
            if (event == null || event instanceof UpstreamEvent.ToolCall || event.isTerminal()) {
                return;
            }
            handle(event, true);
        }
    }

    /** Resumes a paused drain once the client has caught up. */
    public void onWritabilityChanged() {
        if (!done && paused && output.isWritable()) {
            drain();
        }
    }

    private void end(Outcome outcome) {
        done = true;
        cancelStallCheck();
        ring.close();
        if (outcome != Outcome.SUCCESS) {
            cancelUpstream(); // a finished call is left alone: it reads to its end and its connection is reused
        }
        ring.clear();
        if (toolsInFlight != null) {
            toolsInFlight.cancel(true);
        }
        storeTurn(outcome);
        if (pingTask != null) {
            pingTask.cancel(false);
        }
        watchdog.cancel();
        metrics.streamEnded(outcome);
        metrics.upstreamRequest(tag.provider(), outcome == Outcome.SUCCESS ? "success"
                : outcome == Outcome.CANCELLED ? "cancelled" : errorCode);
        services.registry().remove(this);
        services.log().finished(logLine(outcome));
        onEnd.run();
    }

    /** Hands what this turn produced to the store, on a virtual thread; a partial answer is kept as such. */
    private void storeTurn(Outcome outcome) {
        if (plan == null) {
            return;
        }
        Transcript.Status status = switch (outcome) {
            case SUCCESS -> Transcript.Status.COMPLETE;
            case CANCELLED -> Transcript.Status.CANCELLED;
            case ERROR, TIMEOUT -> Transcript.Status.ERROR;
        };
        String reason = switch (outcome) {
            case SUCCESS -> finishReason;
            case CANCELLED -> "cancelled";
            case ERROR, TIMEOUT -> errorCode;
        };
        Transcript transcript = steps.transcript(status, reason, stats);
        plan.starter().execute(() -> {
            try {
                plan.turn().close(transcript);
            } catch (RuntimeException e) {
                log.error("conversation {}: the answer could not be stored: {}", LogValue.of(tag.conversationId()),
                        LogValue.of(e));
            }
        });
    }

    private String logLine(Outcome outcome) {
        long now = System.nanoTime();
        // Every value that a client, a provider or the configuration chose goes through LogValue: one line, always.
        return "stream_end conversation=" + LogValue.of(tag.conversationId()) + " tenant=" + LogValue.of(tag.tenant())
                + " model=" + LogValue.of(tag.model()) + " provider=" + LogValue.of(tag.provider())
                + " status=" + outcome.name().toLowerCase(java.util.Locale.ROOT)
                + " error_code=" + errorCode + " finish_reason=" + LogValue.of(finishReason)
                + " ttft_ms=" + (firstTokenNanos < 0 ? "-" : millis(firstTokenNanos - acceptedNanos))
                + " elapsed_ms=" + millis(now - acceptedNanos)
                + " completion_tokens=" + steps.usage().completionTokens()
                + " prompt_tokens=" + steps.usage().promptTokens() + " steps=" + steps.step()
                + " chunks=" + coalescer.chunksEmitted() + " events=" + sequence;
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
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
        if (!firstEventWritten) {
            firstEventWritten = true;
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
        paused = true;
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
        stallCheck = null;
        if (!done && paused) {
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
        flushTimerArmed = false;
        if (!done && !paused && coalescer.hasPending()) {
            coalescer.flush();
            output.flush();
        }
    }

    private void pingIfIdle() {
        long interval = settings.pingInterval().toNanos();
        if (!done && output.isWritable() && loop.ticker().nanoTime() - output.lastWriteNanos() >= interval / 2) {
            output.ping();
        }
    }

    private void cancelUpstream() {
        UpstreamCall current = call.getAndSet(CANCELLED);
        if (current != null && current != CANCELLED) {
            current.cancel();
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
        return bufferedBytes() + steps.answer().length() + steps.reasoningLength();
    }
}
