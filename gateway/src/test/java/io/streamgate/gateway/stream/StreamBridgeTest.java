package io.streamgate.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.streamgate.gateway.auth.TenantLimits;
import io.streamgate.gateway.usage.UsageMeter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.metrics.StreamLog;
import io.streamgate.gateway.tools.ToolResult;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bridge on an {@link EmbeddedChannel}: the test thread is both the upstream thread and the event loop. */
class StreamBridgeTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final StreamRegistry registry = new StreamRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(new PrometheusRegistry(), registry::heldBytes);
    private final FakeProvider provider = new FakeProvider();
    private final SseParser sse = new SseParser();
    private final AtomicBoolean ended = new AtomicBoolean();
    private boolean sawHead;
    private boolean sawLast;
    private StreamBridge bridge;
    private int maxSteps = 4;
    private final RecordingTurn turn = new RecordingTurn();
    private List<io.streamgate.llm.ToolSpec> offered = List.of();
    private ToolExecutor tools = (calls, offered) -> java.util.concurrent.CompletableFuture.completedFuture(List.of());

    private StreamPlan plan(java.util.concurrent.Executor starter) {
        return new StreamPlan(provider, new ChatRequest(null, List.of(), null, null, offered), turn, tools, starter);
    }

    private static final Duration STALL = Duration.ofSeconds(120);
    private Duration stallTimeout = STALL;

    private static final StreamTag TAG = new StreamTag("c1", "-", "-", "fake");

    private static final StreamLog LOG = new StreamLog();

    /** The clock that stamps deltas' arrival and their chunks' writes; the test moves it. */
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private StreamServices services(StreamSettings settings) {
        return new StreamServices(settings, metrics, registry, LOG,
                new UsageMeter(metrics, new TenantLimits(1, 1, 1)), clock::get);
    }

    private HistogramSnapshot.HistogramDataPointSnapshot addedLatency() {
        for (MetricSnapshot m : metrics.registry().scrape()) {
            if (m.getMetadata().getName().equals("streaming_gateway_added_latency_ms")) {
                return ((HistogramSnapshot) m).getDataPoints().getFirst();
            }
        }
        throw new AssertionError("no streaming_gateway_added_latency_ms");
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void start(Duration maxDelay, int maxTokens) {
        start(maxDelay, maxTokens, Runnable::run);
    }

    private void start(Duration maxDelay, int maxTokens, java.util.concurrent.Executor starter) {
        // The loop's clock moves only when a test advances it: on a loaded machine real time would pass max-delay
        // between two lines of a test and flush what the test expects to be held.
        channel.freezeTime();
        var settings = new StreamSettings(8, maxDelay, maxTokens, Duration.ofSeconds(15), 1 << 20, maxSteps, Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ZERO, stallTimeout);
        bridge = new StreamBridge(channel.eventLoop(), new SseOutput(channel, null), TAG, services(settings),
                System.nanoTime(), () -> ended.set(true));
        // What ApiRouter does for a live stream: forward writability to the bridge.
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                bridge.onWritabilityChanged();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                bridge.onChannelClosed();
            }
        });
        bridge.start(plan(starter));
    }

    private List<SseParser.Event> written() {
        channel.runPendingTasks();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            try {
                if (msg instanceof HttpResponse) {
                    sawHead = true;
                }
                if (msg instanceof HttpContent content) {
                    ByteBuf buf = content.content();
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.getBytes(buf.readerIndex(), bytes);
                    sse.feed(bytes);
                }
                if (msg instanceof LastHttpContent) {
                    sawLast = true;
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return sse.drainEvents();
    }

    private void publish(UpstreamEvent... events) {
        for (UpstreamEvent e : events) {
            assertTrue(provider.sink.publish(e));
        }
    }

    private static UpstreamEvent.TextDelta text(String s) {
        return new UpstreamEvent.TextDelta(s);
    }

    @Test
    void aNewConversationsCallStartsOnTheEventLoopWhileItsQuestionIsStored() {
        turn.newConversation = List.of(io.streamgate.llm.ChatMessage.user("hi"));
        List<Runnable> storeWork = new ArrayList<>();
        start(Duration.ZERO, 4, storeWork::add);

        assertEquals(1, provider.requests.size(), "the call started before any store work ran");
        assertEquals(turn.newConversation, provider.requests.getFirst().messages());
        assertFalse(turn.opened, "no history read for a new conversation");
        assertEquals(1, storeWork.size(), "the question's write is queued");
        assertFalse(turn.recorded);
        storeWork.forEach(Runnable::run);
        assertTrue(turn.recorded);
        assertTrue(written().isEmpty());
        assertTrue(sawHead);
    }

    @Test
    void aConversationWithHistoryCallsTheProviderOnlyOnceTheStoreWasReadAndTheQuestionStored() {
        List<Runnable> storeWork = new ArrayList<>();
        start(Duration.ZERO, 4, storeWork::add);

        assertTrue(provider.requests.isEmpty());
        storeWork.forEach(Runnable::run);
        assertTrue(turn.opened);
        assertTrue(turn.recorded);
        assertEquals(List.of(io.streamgate.llm.ChatMessage.user("hi")), provider.requests.getFirst().messages());
    }

    @Test
    void headersLeaveBeforeAnyToken() {
        start(Duration.ZERO, 4);
        assertTrue(written().isEmpty());
        assertTrue(sawHead, "the response head is flushed as soon as the stream starts");
    }

    @Test
    void firstDeltaIsWrittenAtOnceAndTheRestCoalesceUntilTheTimer() {
        start(Duration.ofMillis(5), 16);
        publish(text("Hel"));
        var first = written();
        assertEquals(1, first.size());
        assertEquals("Hel", Json.string(first.get(0).data(), "content"));

        publish(text("lo"), text(" wor"));
        assertTrue(written().isEmpty(), "later deltas wait for max-delay");
        channel.advanceTimeBy(5, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        var merged = written();
        assertEquals(1, merged.size());
        assertEquals("lo wor", Json.string(merged.get(0).data(), "content"));
        assertEquals(2, Json.number(merged.get(0).data(), "token_count"));
    }

    @Test
    void deltaAfterMaxDelayOfSilenceIsNotHeldBack() {
        start(Duration.ofMillis(5), 16);
        publish(text("a"));
        assertEquals(1, written().size());
        channel.advanceTimeBy(20, TimeUnit.MILLISECONDS);
        publish(text("b"));
        var events = written();
        assertEquals(1, events.size(), "a slow stream's token leaves without waiting for the timer");
        assertEquals("b", Json.string(events.get(0).data(), "content"));
    }

    @Test
    void maxTokensFlushesWithoutWaitingForTheTimer() {
        start(Duration.ofSeconds(10), 2);
        publish(text("a"), text("b"), text("c"));
        var events = written();
        assertEquals(List.of("a", "bc"), events.stream().map(e -> Json.string(e.data(), "content")).toList());
    }

    @Test
    void completionEndsWithFinalChunkThenCompleteState() {
        start(Duration.ofSeconds(10), 16);
        publish(text("a"), text("b"), new UpstreamEvent.Completed("stop", new Usage(7, 2, -1, -1)));
        var events = written();
        assertEquals(3, events.size());
        assertEquals("message_chunk", Json.string(events.get(1).data(), "type"));
        assertEquals(Boolean.TRUE, Json.bool(events.get(1).data(), "is_final"));
        assertEquals(Boolean.FALSE, Json.bool(events.get(0).data(), "is_final"));
        String complete = events.get(2).data();
        assertEquals("complete_state", Json.string(complete, "type"));
        assertEquals("ab", Json.string(complete, "final_message"));
        assertEquals(2, Json.number(complete, "total_tokens"));
        assertEquals(7, Json.number(complete, "prompt_tokens"));
        assertEquals(2, Json.number(complete, "total_chunks"));
        assertEquals("stop", Json.string(complete, "finish_reason"));
        for (int i = 0; i < events.size(); i++) {
            assertEquals(String.valueOf(i), events.get(i).id());
            assertEquals(i, Json.number(events.get(i).data(), "sequence"));
        }
        assertTrue(sawLast);
        assertTrue(ended.get());
        assertEquals(0, metrics.activeStreams());
        assertFalse(provider.cancelled.get(), "a finished call is not cancelled, so its connection can be reused");
    }

    @Test
    void failureEndsWithOneErrorAndNoCompleteState() {
        start(Duration.ofSeconds(10), 16);
        publish(text("a"), text("b"), new UpstreamEvent.Failed(
                new UpstreamError(ErrorCode.UPSTREAM_ERROR, "cut", true, 0)));
        var events = written();
        assertEquals(List.of("message_chunk", "message_chunk", "error"),
                events.stream().map(e -> Json.string(e.data(), "type")).toList());
        assertEquals("b", Json.string(events.get(1).data(), "content"), "pending text is delivered before the error");
        assertEquals("upstream_error", Json.string(events.get(2).data(), "code"));
        assertEquals(Boolean.TRUE, Json.bool(events.get(2).data(), "retryable"));
        assertTrue(sawLast);
    }

    @Test
    void aBatchPublishedOnTheLoopIsDrainedWhenItEndsWithNoTaskAndOneFlush() {
        start(Duration.ZERO, 1); // every delta its own chunk
        AtomicLong flushes = new AtomicLong();
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        publish(text("before"));
        assertTrue(channel.hasPendingTasks(), "outside a batch, a publish schedules the drain");
        assertEquals(1, written().size());

        provider.sink.batchStarted(); // what the Netty transport does at a read's first channelRead
        publish(text("a"), text("b"), text("c"));
        assertFalse(channel.hasPendingTasks(), "no wake-up inside a batch");
        assertNull(channel.readOutbound(), "nothing leaves before the batch ends");
        long flushesBefore = flushes.get();
        provider.sink.batchEnded(); // ... and at its channelReadComplete
        assertFalse(channel.hasPendingTasks(), "the drain ran inline and scheduled nothing");
        assertEquals(1, flushes.get() - flushesBefore, "one flush for the whole batch");
        assertEquals(List.of("a", "b", "c"), written().stream().map(e -> Json.string(e.data(), "content")).toList());
    }

    @Test
    void aBatchThatEndsWhileTheClientIsBehindWaitsForItsWritability() {
        start(Duration.ofSeconds(10), 16);
        publish(text("first")); // the first delta leaves alone, at once
        assertEquals(1, written().size());
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        provider.sink.batchStarted();
        publish(text("a"), text("b"));
        provider.sink.batchEnded();
        assertTrue(written().isEmpty(), "a client that is not keeping up is not written to");
        provider.sink.batchStarted();
        publish(text("c"));
        provider.sink.batchEnded();
        assertTrue(written().isEmpty());

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        var resumed = written();
        assertEquals(1, resumed.size(), "what queued while paused leaves as one chunk");
        assertEquals("abc", Json.string(resumed.get(0).data(), "content"));
    }

    @Test
    void unwritableChannelPausesTheDrainAndResumeMergesWhatQueued() {
        start(Duration.ofSeconds(10), 2);
        publish(text("first"));
        assertEquals(1, written().size());

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertFalse(channel.isWritable());
        publish(text("a"), text("b"), text("c"), text("d"), text("e"));
        assertTrue(written().isEmpty(), "nothing is written while the client is not keeping up");
        assertTrue(registry.heldBytes() > 0, "queued tokens count as held memory");

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        var resumed = written();
        assertEquals(1, resumed.size(), "what queued during the pause leaves as one chunk");
        assertEquals("abcde", Json.string(resumed.get(0).data(), "content"));
        assertEquals(5, Json.number(resumed.get(0).data(), "token_count"));
    }

    @Test
    void aFlushTimerThatFiresWhilePausedWritesNothingAndTheResumeMergesWhatWaited() {
        start(Duration.ofMillis(5), 16);
        publish(text("a"));
        assertEquals(1, written().size());
        publish(text("b"));
        assertTrue(written().isEmpty(), "held for max-delay: the flush timer is armed");

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        publish(text("c")); // the drain finds the client behind and pauses
        assertTrue(written().isEmpty());
        channel.advanceTimeBy(5, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(written().isEmpty(), "a paused stream writes nothing when its flush timer fires");

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        var resumed = written();
        assertEquals(1, resumed.size(), "the held text and what queued during the pause leave as one chunk");
        assertEquals("bc", Json.string(resumed.get(0).data(), "content"));
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAfterTheStallTimeoutAndItsAnswerKept() {
        stallTimeout = Duration.ofSeconds(5);
        start(Duration.ZERO, 16);
        publish(text("seen"));
        written();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        publish(text(" unsent"));
        written();

        channel.advanceTimeBy(4, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "not before the timeout");
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertFalse(channel.isOpen(), "the stalled connection is closed");
        assertTrue(provider.cancelled.get());
        assertEquals(Transcript.Status.CANCELLED, turn.transcript.status());
        assertEquals("seen unsent", turn.transcript.finalText(),
                "what the provider sent is stored, including what the stalled client was never sent");
        assertTrue(ended.get());
    }

    @Test
    void aClientThatCatchesUpInTimeIsNotDisconnected() {
        stallTimeout = Duration.ofSeconds(5);
        start(Duration.ZERO, 16);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        publish(text("a"));
        written();
        channel.advanceTimeBy(4, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        assertEquals(1, written().size());

        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        assertFalse(provider.cancelled.get());
    }

    @Test
    void clientDisconnectCancelsTheUpstreamAndStopsTheProducer() {
        start(Duration.ofSeconds(10), 16);
        publish(text("a"));
        written();
        bridge.onChannelClosed();
        assertTrue(provider.cancelled.get());
        assertFalse(provider.sink.publish(text("late")), "the producer learns the consumer is gone");
        assertEquals(0, metrics.activeStreams());
        assertEquals(0, registry.size());
        assertTrue(ended.get());
    }

    @Test
    void aDisconnectKeepsTheTextStillQueuedForTheClientInTheStoredAnswer() {
        start(Duration.ZERO, 16);
        publish(text("sent"));
        written();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        publish(text(" queued"), text(" too"), new UpstreamEvent.ToolCall("c1", "clock", "{}"), text(" after"));
        bridge.onChannelClosed();

        assertEquals(Transcript.Status.CANCELLED, turn.transcript.status());
        assertEquals("sent queued too", turn.transcript.finalText(),
                "queued text is kept up to the first event that is not text; the tool call is not run");
        assertTrue(provider.cancelled.get());
    }

    @Test
    void stoppingALiveStreamSendsTheQueuedTextBeforeTheCompleteState() {
        start(Duration.ZERO, 16);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        publish(text("a"), text("b"));
        assertTrue(written().isEmpty(), "paused: the client is not keeping up");
        assertTrue(bridge.stop());

        var events = written();
        assertEquals(List.of("message_chunk", "message_chunk", "complete_state"),
                events.stream().map(e -> Json.string(e.data(), "type")).toList());
        assertEquals("a", Json.string(events.get(0).data(), "content"));
        assertEquals("b", Json.string(events.get(1).data(), "content"));
        assertEquals(Boolean.TRUE, Json.bool(events.get(1).data(), "is_final"));
        assertEquals("ab", Json.string(events.get(2).data(), "final_message"));
        assertEquals("cancelled", Json.string(events.get(2).data(), "finish_reason"));
        assertEquals("ab", turn.transcript.finalText());
    }

    @Test
    void disconnectBeforeTheUpstreamCallExistsStillCancelsIt() {
        var deferred = new ArrayList<Runnable>();
        var settings = new StreamSettings(8, Duration.ZERO, 4, Duration.ofSeconds(15), 1 << 20, 4, Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ZERO, STALL);
        bridge = new StreamBridge(channel.eventLoop(), new SseOutput(channel, null), TAG, services(settings),
                System.nanoTime(), () -> {});
        bridge.start(plan(deferred::add));
        bridge.onChannelClosed();
        deferred.forEach(Runnable::run);
        assertNull(provider.sink, "a closed stream does not open the upstream call at all");
        written();
    }

    @Test
    void pingIsSentAfterSilence() {
        var settings = new StreamSettings(8, Duration.ZERO, 4, Duration.ofMillis(100), 1 << 20, 4, Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ZERO, STALL);
        bridge = new StreamBridge(channel.eventLoop(), new SseOutput(channel, null), TAG, services(settings),
                System.nanoTime(), () -> {});
        bridge.start(plan(Runnable::run));
        written();
        channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        written();
        assertTrue(sse.comments().contains("ping"));
        bridge.onChannelClosed();
    }

    // ---- the agent loop ----

    private static UpstreamEvent.ToolCall toolCall(String id) {
        return new UpstreamEvent.ToolCall(id, "calculator", "{\"expression\":\"1+2\"}");
    }

    private static UpstreamEvent.Completed completed(String reason, long completionTokens) {
        return new UpstreamEvent.Completed(reason, new Usage(10, completionTokens, -1, -1));
    }

    @Test
    void toolCallsAreRunAndTheirResultsSentBackUntilTheModelAnswers() {
        var toolRuns = new ArrayList<List<UpstreamEvent.ToolCall>>();
        tools = (calls, offered) -> {
            toolRuns.add(calls);
            return java.util.concurrent.CompletableFuture.completedFuture(calls.stream()
                    .map(c -> new ToolResult(c.id(), c.name(), "{\"result\":3}", false))
                    .toList());
        };
        start(Duration.ZERO, 16);
        publish(text("Let me compute. "), toolCall("call_1"), toolCall("call_2"), completed("tool_calls", 5));
        var events = new ArrayList<>(written());
        assertEquals(1, toolRuns.size());
        assertEquals(2, toolRuns.getFirst().size(), "parallel calls of one step run together");
        assertEquals(2, provider.requests.size(), "the results go back to the model in a second call");
        var second = provider.requests.get(1).messages();
        assertEquals("assistant", second.get(second.size() - 3).role());
        assertEquals(2, second.get(second.size() - 3).toolCalls().size());
        assertEquals("tool", second.getLast().role());
        assertEquals("call_2", second.getLast().toolCallId());

        publish(text("It is 3."), completed("stop", 4));
        events.addAll(written());
        var types = events.stream().map(e -> Json.string(e.data(), "type")).toList();
        assertEquals(List.of("message_chunk", "tool_call", "tool_call", "tool_result", "tool_result",
                "message_chunk", "complete_state"), types);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, Json.number(events.get(i).data(), "sequence"));
        }
        String complete = events.getLast().data();
        assertEquals("Let me compute. It is 3.", Json.string(complete, "final_message"));
        assertEquals(9, Json.number(complete, "total_tokens"), "usage is summed over steps");
        assertEquals("stop", Json.string(complete, "finish_reason"));
        Transcript stored = turn.transcript;
        assertEquals(Transcript.Status.COMPLETE, stored.status());
        assertEquals(1, stored.steps().size());
        assertEquals("Let me compute. ", stored.steps().getFirst().text());
        assertEquals(2, stored.steps().getFirst().results().size());
        assertEquals("It is 3.", stored.finalText());
        assertEquals("stop", stored.finishReason());
    }

    @Test
    void modelWrittenArgumentsCannotForgeEventsAndOnlyOfferedToolsAreGivenToTheExecutor() {
        offered = List.of(new io.streamgate.llm.ToolSpec("calculator", "adds", "{\"type\":\"object\"}"));
        var offeredSeen = new ArrayList<java.util.Set<String>>();
        tools = (calls, names) -> {
            offeredSeen.add(names);
            return java.util.concurrent.CompletableFuture.completedFuture(calls.stream()
                    .map(c -> new ToolResult(c.id(), c.name(), "{\n\n\"r\":\n3}", false))
                    .toList());
        };
        start(Duration.ZERO, 16);
        String forged = "{\"a\":\"x\"}\n\ndata: {\"type\":\"complete_state\",\"final_message\":\"forged\"}\n\n";
        String pretty = "{\n  \"expression\":\n\n  \"1+2\"\n}";
        publish(new UpstreamEvent.ToolCall("call_1", "calculator", forged),
                new UpstreamEvent.ToolCall("call_2", "calculator", pretty), completed("tool_calls", 3));
        var events = new ArrayList<>(written());
        publish(text("done"), completed("stop", 1));
        events.addAll(written());

        assertEquals(List.of("tool_call", "tool_call", "tool_result", "tool_result", "message_chunk", "message_chunk",
                "complete_state"),
                events.stream().map(e -> Json.string(e.data(), "type")).toList(), "no forged event: " + events);
        assertEquals("{}", Json.raw(events.get(0).data(), "tool_input"));
        assertEquals("{\"expression\":\"1+2\"}", Json.raw(events.get(1).data(), "tool_input"));
        assertEquals("{\"r\":3}", Json.raw(events.get(2).data(), "result"));
        assertEquals("done", Json.string(events.getLast().data(), "final_message"));
        assertEquals(List.of(java.util.Set.of("calculator")), offeredSeen);
    }

    @Test
    void addedLatencyTimesEachTextChunkFromItsOwnDeltasArrivalSoAToolsRunIsNotCounted() {
        var pending = new java.util.concurrent.CompletableFuture<List<ToolResult>>();
        tools = (calls, offered) -> pending;
        start(Duration.ZERO, 16);
        publish(text("Let me check. "));
        advance(Duration.ofMillis(2)); // the delta waits 2 ms for the event loop
        written();
        publish(toolCall("call_1"), completed("tool_calls", 3));
        written();

        Duration toolTime = Duration.ofSeconds(5);
        advance(toolTime); // the tool is slow
        pending.complete(List.of(new ToolResult("call_1", "calculator", "{\"result\":3}", false)));
        written();
        assertEquals(2, provider.requests.size(), "the second step started");
        publish(text("It is 3."), completed("stop", 4));
        advance(Duration.ofMillis(1));
        var events = written();
        assertEquals("complete_state", Json.string(events.getLast().data(), "type"));

        var samples = addedLatency();
        assertEquals(2, samples.getCount(), "one sample per text chunk with content");
        assertTrue(samples.getSum() < toolTime.toMillis(), "the tool's time is not the gateway's: " + samples.getSum());
        assertEquals(3.0, samples.getSum(), 1e-9, "2 ms for the first chunk, 1 ms for the last");
    }

    @Test
    void addedLatencyLeavesOutTheTimeTheModelSpentThinking() {
        start(Duration.ZERO, 16);
        Duration thinkingTime = Duration.ofSeconds(8);
        publish(new UpstreamEvent.ThinkingDelta("Let me think"));
        advance(thinkingTime.dividedBy(2));
        publish(new UpstreamEvent.ThinkingDelta(" about it."));
        advance(thinkingTime.dividedBy(2));
        publish(text("The answer."));
        advance(Duration.ofMillis(1));
        written();
        publish(completed("stop", 3));
        var types = written().stream().map(e -> Json.string(e.data(), "type")).toList();
        assertEquals(List.of("message_chunk", "complete_state"), types.subList(types.size() - 2, types.size()));

        var samples = addedLatency();
        assertEquals(1, samples.getCount(), "thinking chunks are not sampled, nor is the empty final chunk");
        assertTrue(samples.getSum() < thinkingTime.toMillis(), "thinking time is the model's: " + samples.getSum());
        assertEquals(1.0, samples.getSum(), 1e-9);
    }

    @Test
    void eachStepsThinkingAndTheCompleteStateFiguresGoToTheStore() {
        tools = (calls, offered) -> java.util.concurrent.CompletableFuture.completedFuture(List.of(
                new ToolResult("call_1", "calculator", "{\"result\":3}", false)));
        start(Duration.ZERO, 16);
        publish(new UpstreamEvent.ThinkingDelta("I need"), new UpstreamEvent.ThinkingDelta(" a tool."),
                toolCall("call_1"), completed("tool_calls", 3));
        written();
        publish(new UpstreamEvent.ThinkingDelta("Now answer."), text("It is 3."), completed("stop", 4));
        String complete = written().getLast().data();

        Transcript stored = turn.transcript;
        assertEquals("I need a tool.", stored.steps().getFirst().thinking());
        assertEquals("Now answer.", stored.finalThinking());
        AnswerStats stats = stored.stats();
        assertEquals(Json.number(complete, "total_tokens"), stats.totalTokens());
        assertEquals(Json.number(complete, "prompt_tokens"), stats.promptTokens());
        assertEquals(Json.number(complete, "total_chunks"), stats.totalChunks());
        assertEquals(Json.decimal(complete, "elapsed_time"), stats.elapsedSeconds(), 1e-3, "the event rounds to ms");
        assertTrue(stats.firstTokenMs() >= 0);
    }

    @Test
    void anAnswerThatEndsInAnErrorStoresNoFigures() {
        start(Duration.ZERO, 16);
        publish(text("half"), new UpstreamEvent.Failed(new UpstreamError(ErrorCode.UPSTREAM_ERROR, "cut", true, 0)));
        written();
        assertNull(turn.transcript.stats(), "no complete_state was sent");
    }

    @Test
    void reachingMaxStepsEndsTheTurnWithoutRunningMoreTools() {
        maxSteps = 1;
        var ran = new AtomicBoolean();
        tools = (calls, offered) -> {
            ran.set(true);
            return new java.util.concurrent.CompletableFuture<>();
        };
        start(Duration.ZERO, 16);
        publish(toolCall("call_1"), completed("tool_calls", 3));
        var events = written();
        assertFalse(ran.get());
        assertEquals(1, provider.requests.size());
        assertEquals("max_steps", Json.string(events.getLast().data(), "finish_reason"));
        assertEquals("complete_state", Json.string(events.getLast().data(), "type"));
    }

    @Test
    void failingToolIsReportedAndTheLoopContinues() {
        tools = (calls, offered) -> java.util.concurrent.CompletableFuture.completedFuture(List.of(
                new ToolResult("call_1", "calculator", "{\"error\":\"division by zero\"}", true)));
        start(Duration.ZERO, 16);
        publish(toolCall("call_1"), completed("tool_calls", 3));
        var result = written().getLast().data();
        assertEquals("tool_result", Json.string(result, "type"));
        assertEquals(Boolean.TRUE, Json.bool(result, "is_error"));
        assertEquals(2, provider.requests.size(), "the model is told and may answer");
    }

    @Test
    void disconnectWhileToolsRunCancelsThemAndStoresTheTurnAsCancelled() {
        var pending = new java.util.concurrent.CompletableFuture<List<ToolResult>>();
        tools = (calls, offered) -> pending;
        start(Duration.ZERO, 16);
        publish(text("partial "), toolCall("call_1"), completed("tool_calls", 3));
        written();
        bridge.onChannelClosed();
        assertTrue(pending.isCancelled());
        assertEquals(1, provider.requests.size(), "no further step starts");
        assertEquals(Transcript.Status.CANCELLED, turn.transcript.status());
        assertEquals("cancelled", turn.transcript.finishReason());
    }

    @Test
    void aPausedStreamIsNotTimedOutForTheProvidersSilenceAndResumesWhenTheClientCatchesUp() {
        start(Duration.ZERO, 16);
        publish(text("a"));
        assertEquals(1, written().size());
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        publish(text("b"));
        assertTrue(written().isEmpty(), "the drain finds the client behind and pauses");

        channel.advanceTimeBy(25, TimeUnit.SECONDS); // past the 20 s idle timeout; the client is the slow party
        channel.runScheduledPendingTasks();
        assertTrue(written().isEmpty());
        assertFalse(provider.cancelled.get());

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        var resumed = written();
        assertEquals(List.of("b"), resumed.stream().map(e -> Json.string(e.data(), "content")).toList());

        channel.advanceTimeBy(21, TimeUnit.SECONDS); // streaming again: the provider's silence counts
        channel.runScheduledPendingTasks();
        var timedOut = written();
        assertEquals("upstream_timeout", Json.string(timedOut.getLast().data(), "code"));
    }

    @Test
    void aSlowToolIsNotTheProvidersSilenceAndTheNextStepHasItsOwnFirstTokenTimeout() {
        var pending = new java.util.concurrent.CompletableFuture<List<ToolResult>>();
        tools = (calls, offered) -> pending;
        start(Duration.ZERO, 16);
        publish(toolCall("call_1"), completed("tool_calls", 3));
        written();

        channel.advanceTimeBy(60, TimeUnit.SECONDS); // past both provider timeouts; the tool is the slow party
        channel.runScheduledPendingTasks();
        assertFalse(written().stream().anyMatch(e -> "error".equals(Json.string(e.data(), "type"))));
        assertFalse(provider.cancelled.get());

        pending.complete(List.of(new ToolResult("call_1", "calculator", "{\"result\":3}", false)));
        assertEquals("tool_result", Json.string(written().getLast().data(), "type"));
        assertEquals(2, provider.requests.size());
        channel.advanceTimeBy(31, TimeUnit.SECONDS); // the second call sends nothing within the 30 s first-token timeout
        channel.runScheduledPendingTasks();
        var events = written();
        assertEquals("upstream_timeout", Json.string(events.getLast().data(), "code"));
        assertTrue(provider.cancelled.get());
    }

    @Test
    void anEndedStreamIgnoresWhatArrivesLate() {
        var pending = new java.util.concurrent.CompletableFuture<List<ToolResult>>();
        tools = (calls, offered) -> pending;
        start(Duration.ofMillis(5), 16);
        publish(text("partial "), toolCall("call_1"), completed("tool_calls", 3));
        written();
        assertTrue(bridge.stop());
        var types = written().stream().map(e -> Json.string(e.data(), "type")).toList();
        assertEquals("complete_state", types.getLast());
        assertFalse(types.contains("error"), "the cancelled tools' late completion is not reported: " + types);

        assertFalse(bridge.stop(), "nothing is left to stop");
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        bridge.onChannelClosed();
        assertFalse(provider.sink.publish(text("late")), "the ring is closed to the provider");
        channel.advanceTimeBy(1, TimeUnit.HOURS);
        channel.runScheduledPendingTasks();
        assertTrue(written().isEmpty(), "no event, ping or timeout after the end");
        assertFalse(sse.comments().contains("ping"));
        assertEquals(1, provider.requests.size(), "no further step starts");
        assertEquals(Transcript.Status.CANCELLED, turn.transcript.status());
    }

    @Test
    void failureStoresThePartialAnswerWithErrorStatus() {
        start(Duration.ZERO, 16);
        publish(text("half an"), new UpstreamEvent.Failed(new UpstreamError(ErrorCode.UPSTREAM_ERROR, "cut", true, 0)));
        written();
        assertEquals(Transcript.Status.ERROR, turn.transcript.status());
        assertEquals("half an", turn.transcript.finalText());
        assertEquals("upstream_error", turn.transcript.finishReason());
    }

    private static final class RecordingTurn implements ConversationTurn {
        Transcript transcript;
        List<io.streamgate.llm.ChatMessage> newConversation;
        boolean opened;
        boolean recorded;

        @Override
        public List<io.streamgate.llm.ChatMessage> open() {
            opened = true;
            return List.of(io.streamgate.llm.ChatMessage.user("hi"));
        }

        @Override
        public java.util.Optional<List<io.streamgate.llm.ChatMessage>> openWithoutStore() {
            return java.util.Optional.ofNullable(newConversation);
        }

        @Override
        public void recordUserMessage() {
            recorded = true;
        }

        @Override
        public void close(Transcript transcript) {
            this.transcript = transcript;
        }
    }

    private static final class FakeProvider implements LlmProvider {
        TokenSink sink;
        final List<ChatRequest> requests = new ArrayList<>();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public UpstreamCall stream(ChatRequest request, TokenSink sink) {
            this.sink = sink;
            requests.add(request);
            return () -> cancelled.set(true);
        }
    }
}
