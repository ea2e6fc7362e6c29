package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.streamgate.gateway.metrics.GatewayMetrics.Outcome;
import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.gateway.tools.ToolResult;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.TokenRing;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn's agent loop: opens the turn (its history), calls the provider, runs the tools a step asked for and calls
 * the provider again with their results, until the model answers or the step budget is spent; then stores the turn.
 * Every step's call publishes into the stream's one {@link TokenRing}; the {@link StreamBridge} drains it and tells
 * this loop about each step's text, tool calls and completion ({@link #steps()}, {@link #stepCompleted}).
 *
 * <p>Threads: store work (reading the history, storing the question and the answer) runs on the plan's
 * {@code starter}, the {@code StoreExecutor}'s platform threads, and so does opening each provider call, except the
 * first when the history is known without the store: that one opens on the event loop, into an empty ring. A call
 * that fails to start publishes its error into the ring, and only an empty ring never parks its publisher. Wherever a
 * call is opened, the Netty transport reads it on the stream's event loop, which the ring names as its home
 * ({@link TokenRing#home()}). Everything else runs on the stream's event loop. The only state shared across threads is the current {@link UpstreamCall},
 * and {@link AgentSteps#begin}, which the ring's handshake orders before any event-loop read.
 */
final class AgentLoop {

    /** What the loop tells the stream it runs in; called on the event loop. */
    interface Listener {

        /** The turn is over: the model answered without asking for tools, or the step budget is spent. */
        void answered(String finishReason);

        /** Tools are about to run: what the client has not been sent yet should leave now. */
        void toolsStarting();

        /** The tools ran; the next step's call is being opened. */
        void toolsDone(List<ToolResult> results);

        void failed(UpstreamError error);
    }

    private static final Logger log = LoggerFactory.getLogger(AgentLoop.class);

    private static final UpstreamCall CANCELLED = () -> {};

    private final EventLoop loop;
    private final StreamPlan plan;
    private final TokenRing ring;
    private final StreamTag tag;
    private final Listener listener;
    private final AgentSteps steps;
    private final AtomicReference<UpstreamCall> call = new AtomicReference<>();
    private CompletableFuture<List<ToolResult>> toolsInFlight; // null unless tools run

    AgentLoop(
            EventLoop loop, StreamPlan plan, TokenRing ring, StreamTag tag, StreamSettings settings, Listener listener) {
        this.loop = requireNonNull(loop, "loop");
        this.plan = requireNonNull(plan, "plan");
        this.ring = requireNonNull(ring, "ring");
        this.tag = requireNonNull(tag, "tag");
        this.listener = requireNonNull(listener, "listener");
        this.steps = new AgentSteps(settings.maxSteps(), settings.maxAnswerChars());
    }

    /**
     * Opens the first step: here, when the history is known without the store (a new conversation, or a cached
     * window), or else on the starter after the history is read, since store I/O must never happen on the event
     * loop. Opening the call does no network I/O either way: that happens on the provider client's own threads (with
     * the Netty transport, on this loop, whichever thread opened the call).
     */
    void open() {
        assert loop.inEventLoop();
        Optional<List<ChatMessage>> opening = plan.turn().openWithoutStore();
        if (opening.isPresent()) {
            // No history to read from the store, so the call starts here and now: OkHttp's enqueue does no I/O, and
            // the Netty transport writes the request to a pooled connection of this loop without blocking.
            // The question's write is queued first and commits while the call connects.
            plan.starter().execute(this::recordUserMessage);
            beginFirstStep(opening.get());
        } else {
            plan.starter().execute(this::openFirstStep);
        }
    }

    /** The bookkeeping of this turn's steps: the answer so far, usage, what the store will get. */
    AgentSteps steps() {
        return steps;
    }

    /** Whether tools are running: the provider is not expected to send anything meanwhile. */
    boolean toolsRunning() {
        return toolsInFlight != null;
    }

    /** One upstream call ended well: run the tools it asked for and continue, or finish the answer. */
    void stepCompleted(UpstreamEvent.Completed completed) {
        steps.addUsage(completed.usage());
        if (!steps.wantsTools()) {
            listener.answered(completed.finishReason());
        } else if (steps.mayContinue()) {
            runTools(steps.startTools());
        } else {
            listener.answered("max_steps"); // the model still wanted tools, but the turn's step budget is spent
        }
    }

    /**
     * The stream ended: the provider call is cancelled unless it finished well (a finished call reads to its end and
     * its connection is reused), running tools are cancelled, and what the turn produced goes to the store, on the
     * starter; a partial answer is kept as such.
     *
     * @param stats the figures of the turn's {@code complete_state}, or null when none was sent
     */
    void end(Outcome outcome, String finishReason, String errorCode, AnswerStats stats) {
        assert loop.inEventLoop();
        if (outcome != Outcome.SUCCESS) {
            cancelCall();
        }
        if (toolsInFlight != null) {
            toolsInFlight.cancel(true);
            toolsInFlight = null;
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
        try {
            plan.starter().execute(() -> {
                try {
                    plan.turn().close(transcript);
                } catch (RuntimeException e) {
                    log.error("conversation {}: the answer could not be stored: {}", LogValue.of(tag.conversationId()),
                            LogValue.of(e));
                }
            });
        } catch (RejectedExecutionException e) { // the gateway is stopping, and its store threads with it
            log.error("conversation {}: the answer was not stored: the gateway is stopping",
                    LogValue.of(tag.conversationId()));
        }
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
        ChatRequest first = plan.request().withMessages(opening);
        steps.opened(first);
        openUpstream(first);
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

    private void runTools(List<UpstreamEvent.ToolCall> calls) {
        listener.toolsStarting();
        CompletableFuture<List<ToolResult>> running = plan.tools().run(calls, plan.offeredTools());
        toolsInFlight = running;
        running.whenComplete((results, failure) -> loop.execute(() -> toolsDone(running, results, failure)));
    }

    private void toolsDone(CompletableFuture<List<ToolResult>> running, List<ToolResult> results, Throwable failure) {
        assert loop.inEventLoop();
        if (toolsInFlight != running) {
            return; // the stream ended meanwhile (end() cancelled these tools)
        }
        toolsInFlight = null;
        if (failure != null) {
            listener.failed(UpstreamError.of(ErrorCode.INTERNAL, "the tools could not be run", true));
            return;
        }
        listener.toolsDone(results);
        ChatRequest next = plan.request().withMessages(steps.toolsDone(results));
        steps.opened(next);
        plan.starter().execute(() -> openUpstream(next));
    }

    private void cancelCall() {
        UpstreamCall current = call.getAndSet(CANCELLED);
        if (current != null && current != CANCELLED) {
            current.cancel();
        }
    }
}
