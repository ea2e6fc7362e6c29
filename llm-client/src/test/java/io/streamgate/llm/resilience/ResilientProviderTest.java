package io.streamgate.llm.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ResilientProviderTest {

    private static final ChatRequest REQUEST = new ChatRequest(null, List.of(ChatMessage.user("hi")), null, null);
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofSeconds(1));

    /** A provider whose calls the test drives: each call's sink is handed over through a queue. */
    private static final class ScriptedProvider implements LlmProvider {
        final BlockingQueue<TokenSink> calls = new LinkedBlockingQueue<>();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public UpstreamCall stream(ChatRequest request, TokenSink sink) {
            calls.add(sink);
            return () -> cancelled.set(true);
        }

        TokenSink nextCall() throws InterruptedException {
            TokenSink sink = calls.poll(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS);
            assertNotNull(sink, "expected another call");
            return sink;
        }
    }

    private static UpstreamEvent failed(ErrorCode code, int status) {
        return new UpstreamEvent.Failed(new UpstreamError(code, code.wireName(), true, status));
    }

    private static final UpstreamEvent TEXT = new UpstreamEvent.TextDelta("hello");
    private static final UpstreamEvent DONE = new UpstreamEvent.Completed("stop", Usage.NONE);

    @Test
    void anAttemptPassesTheClientsBackpressureOn() throws Exception {
        var a = new ScriptedProvider();
        var ring = new io.streamgate.llm.TokenRing(4, () -> {});
        ResilientProvider.create(List.of(a), FAST, 5, Duration.ofSeconds(30)).stream(REQUEST, ring);
        TokenSink attempt = a.nextCall();
        AtomicBoolean resumed = new AtomicBoolean();

        attempt.publish(TEXT);
        attempt.publish(TEXT);
        assertTrue(attempt.aboveMark());
        attempt.publish(TEXT);
        attempt.publish(TEXT);
        assertTrue(attempt.isFull());
        attempt.whenBelowMark(() -> resumed.set(true));
        ring.poll();
        ring.poll();
        assertFalse(resumed.get(), "above a quarter still");
        ring.poll();

        assertTrue(resumed.get());
        assertFalse(attempt.aboveMark());
    }

    @Test
    void connectErrorBeforeTheFirstDeltaIsRetriedInvisibly() throws Exception {
        var a = new ScriptedProvider();
        var provider = ResilientProvider.create(List.of(a), FAST, 5, Duration.ofSeconds(30));
        var sink = new RecordingSink();
        provider.stream(REQUEST, sink);
        assertFalse(a.nextCall().publish(failed(ErrorCode.UPSTREAM_UNAVAILABLE, 0)), "the failed attempt is stopped");
        TokenSink second = a.nextCall();
        second.publish(TEXT);
        second.publish(DONE);
        assertEquals(DONE, sink.awaitTerminal());
        assertEquals(List.of(TEXT, DONE), sink.events(), "the client never sees the failed attempt");
    }

    @Test
    void fallbackUpstreamIsTriedAtOnceAfterA5xx() throws Exception {
        var a = new ScriptedProvider();
        var b = new ScriptedProvider();
        var provider = ResilientProvider.create(List.of(a, b), FAST, 5, Duration.ofSeconds(30));
        var sink = new RecordingSink();
        provider.stream(REQUEST, sink);
        a.nextCall().publish(failed(ErrorCode.UPSTREAM_UNAVAILABLE, 503));
        TokenSink fallback = b.nextCall();
        fallback.publish(TEXT);
        fallback.publish(DONE);
        assertEquals(DONE, sink.awaitTerminal());
        assertTrue(a.calls.isEmpty());
    }

    @Test
    void failureAfterTheFirstDeltaIsNeverRetried() throws Exception {
        var a = new ScriptedProvider();
        var provider = ResilientProvider.create(List.of(a), FAST, 5, Duration.ofSeconds(30));
        var sink = new RecordingSink();
        provider.stream(REQUEST, sink);
        TokenSink call = a.nextCall();
        call.publish(TEXT);
        call.publish(failed(ErrorCode.UPSTREAM_UNAVAILABLE, 0));
        UpstreamError error = sink.awaitFailure();
        assertTrue(error.retryable(), "the client may retry; we must not, or text would repeat");
        assertTrue(a.calls.isEmpty());
    }

    @Test
    void nonRetryableFailureGoesStraightToTheClient() throws Exception {
        var a = new ScriptedProvider();
        var provider = ResilientProvider.create(List.of(a), FAST, 5, Duration.ofSeconds(30));
        var sink = new RecordingSink();
        provider.stream(REQUEST, sink);
        a.nextCall().publish(new UpstreamEvent.Failed(new UpstreamError(ErrorCode.BAD_REQUEST, "no", false, 400)));
        assertEquals(ErrorCode.BAD_REQUEST, sink.awaitFailure().code());
        assertTrue(a.calls.isEmpty());
    }

    @Test
    void afterEveryAttemptTheLastErrorIsReported() throws Exception {
        var a = new ScriptedProvider();
        var provider = ResilientProvider.create(List.of(a), FAST, 100, Duration.ofSeconds(30));
        var sink = new RecordingSink();
        provider.stream(REQUEST, sink);
        for (int i = 0; i < 3; i++) {
            a.nextCall().publish(failed(ErrorCode.RATE_LIMITED, 429));
        }
        assertEquals(ErrorCode.RATE_LIMITED, sink.awaitFailure().code());
        assertTrue(a.calls.isEmpty(), "three attempts by default, no more");
    }

    @Test
    void openBreakerSkipsItsUpstream() throws Exception {
        var a = new ScriptedProvider();
        var b = new ScriptedProvider();
        var provider = ResilientProvider.create(List.of(a, b), new RetryPolicy(1, Duration.ZERO, Duration.ZERO,
                Duration.ZERO), 1, Duration.ofMinutes(5));
        var first = new RecordingSink();
        provider.stream(REQUEST, first);
        a.nextCall().publish(failed(ErrorCode.UPSTREAM_UNAVAILABLE, 0));
        TokenSink viaB = b.nextCall();
        viaB.publish(DONE);
        first.awaitTerminal();
        assertEquals(CircuitBreaker.State.OPEN, provider.breaker(0).state());

        var second = new RecordingSink();
        provider.stream(REQUEST, second);
        b.nextCall().publish(DONE);
        assertEquals(DONE, second.awaitTerminal());
        assertTrue(a.calls.isEmpty(), "the open breaker kept the dead upstream out of the second request");
    }

    @Test
    void chainsOverTheSameUpstreamsShareTheirBreakers() throws Exception {
        var a = new ScriptedProvider();
        var b = new ScriptedProvider();
        var upA = new ResilientProvider.Upstream(a, 1, Duration.ofMinutes(5));
        var upB = new ResilientProvider.Upstream(b, 1, Duration.ofMinutes(5));
        RetryPolicy once = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        var first = new RecordingSink();
        ResilientProvider.over(List.of(upA, upB), once).stream(REQUEST, first);
        a.nextCall().publish(failed(ErrorCode.UPSTREAM_UNAVAILABLE, 0));
        b.nextCall().publish(DONE);
        first.awaitTerminal();

        var second = new RecordingSink();
        ResilientProvider.over(List.of(upA, upB), once).stream(REQUEST, second); // a new chain, say per request
        b.nextCall().publish(DONE);

        assertEquals(DONE, second.awaitTerminal());
        assertTrue(a.calls.isEmpty(), "the new chain saw the breaker the first one opened");
        assertEquals(CircuitBreaker.State.OPEN, upA.status().breaker().state());
        assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, upA.status().lastFailure().error().code());
    }

    @Test
    void statusReportsEachUpstreamsBreakerAndLastFailure() throws Exception {
        var a = new ScriptedProvider();
        var b = new ScriptedProvider();
        var provider = ResilientProvider.create(List.of(a, b), new RetryPolicy(1, Duration.ZERO, Duration.ZERO,
                Duration.ZERO), 1, Duration.ofMinutes(5));
        List<ResilientProvider.UpstreamStatus> before = provider.status();
        assertEquals(2, before.size());
        assertEquals("scripted", before.get(0).name());
        assertEquals(CircuitBreaker.State.CLOSED, before.get(0).breaker().state());
        assertNull(before.get(0).lastFailure());

        var sink = new RecordingSink();
        java.time.Instant start = java.time.Instant.now();
        provider.stream(REQUEST, sink);
        a.nextCall().publish(failed(ErrorCode.UPSTREAM_UNAVAILABLE, 0));
        b.nextCall().publish(DONE);
        sink.awaitTerminal();

        ResilientProvider.UpstreamStatus dead = provider.status().get(0);
        assertEquals(CircuitBreaker.State.OPEN, dead.breaker().state());
        assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, dead.lastFailure().error().code());
        assertFalse(dead.lastFailure().at().isBefore(start));
        ResilientProvider.UpstreamStatus alive = provider.status().get(1);
        assertEquals(CircuitBreaker.State.CLOSED, alive.breaker().state());
        assertNull(alive.lastFailure());
    }

    @Test
    void cancelStopsTheCallAndAnyRetry() throws Exception {
        var a = new ScriptedProvider();
        var provider = ResilientProvider.create(List.of(a), new RetryPolicy(3, Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ofMinutes(1)), 5, Duration.ofSeconds(30));
        var sink = new RecordingSink();
        UpstreamCall call = provider.stream(REQUEST, sink);
        a.nextCall().publish(failed(ErrorCode.UPSTREAM_UNAVAILABLE, 0)); // now waiting up to a minute
        call.cancel();
        assertNull(a.calls.poll(), "no new attempt was opened");
        assertTrue(sink.events().isEmpty());
    }

    @Test
    void retryAfterIsHonouredUpToTheLimit() {
        RetryPolicy policy = RetryPolicy.defaults();
        assertEquals(Duration.ofSeconds(2), policy.backoff(2, Duration.ofSeconds(2)));
        assertNull(policy.backoff(2, Duration.ofMinutes(5)), "a longer wait ends the retries");
        Duration jittered = policy.backoff(3, null);
        assertTrue(!jittered.isNegative() && jittered.compareTo(Duration.ofMillis(400)) <= 0, jittered.toString());
    }
}
