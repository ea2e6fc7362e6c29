package io.streamgate.llm.resilience;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.ForwardingTokenSink;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fallback chain of upstreams with retries and a circuit breaker per upstream.
 *
 * <p>An attempt that fails <em>before its first event</em> with a retryable error (connect error, 429, 5xx) is
 * invisible to the client: the next upstream in the chain is tried at once, and after a whole pass over the chain
 * the next pass waits a jittered, capped backoff (or the provider's {@code Retry-After}). Once an attempt has
 * published anything, its failure goes to the client as it is: retrying then would duplicate text.
 *
 * <p>Waiting happens on a virtual thread of its own; nothing here blocks a caller.
 */
public final class ResilientProvider implements LlmProvider {

    private final List<Upstream> chain;
    private final RetryPolicy policy;

    /** An upstream's most recent failed call: what went wrong, and when. */
    public record Failure(UpstreamError error, Instant at) {}

    /**
     * One upstream's state, for health reports.
     *
     * @param name the adapter's {@link LlmProvider#name()}
     * @param breaker its circuit breaker now
     * @param lastFailure its most recent failure, or {@code null} if it has not failed
     */
    public record UpstreamStatus(String name, CircuitBreaker.View breaker, Failure lastFailure) {}

    /**
     * One upstream with its circuit breaker and its last failure. Its state is its own, not a chain's: several
     * chains (one per routed request, say) may hold the same upstream and see the same breaker. Thread-safe.
     */
    public static final class Upstream {
        private static final Clock WALL_CLOCK = Clock.systemUTC();

        private final LlmProvider provider;
        private final CircuitBreaker breaker;
        private final AtomicReference<Failure> lastFailure = new AtomicReference<>();

        /**
         * @param breakerThreshold consecutive failures that open its breaker
         * @param openFor how long an open breaker refuses calls
         */
        public Upstream(LlmProvider provider, int breakerThreshold, Duration openFor) {
            this(provider, new CircuitBreaker(breakerThreshold, openFor));
        }

        public Upstream(LlmProvider provider, CircuitBreaker breaker) {
            this.provider = requireNonNull(provider, "provider");
            this.breaker = requireNonNull(breaker, "breaker");
        }

        public LlmProvider provider() {
            return provider;
        }

        public CircuitBreaker breaker() {
            return breaker;
        }

        /** Its state now; reads only, safe from any thread. */
        public UpstreamStatus status() {
            return new UpstreamStatus(provider.name(), breaker.view(), lastFailure.get());
        }

        /**
         * A call to it failed: kept as its last failure, and counted by its breaker unless the request itself was at
         * fault (a 400 says nothing about the upstream's health).
         */
        public void failed(UpstreamError error) {
            lastFailure.set(new Failure(error, WALL_CLOCK.instant()));
            if (error.code() != ErrorCode.BAD_REQUEST) {
                breaker.onFailure();
            }
        }

        /** A call to it got an answer: whatever happens next is not an outage. */
        public void answered() {
            breaker.onSuccess();
        }

        @Override
        public String toString() {
            return "Upstream[" + provider + "]";
        }
    }

    private ResilientProvider(List<Upstream> chain, RetryPolicy policy) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the chain needs at least one upstream");
        }
        this.chain = List.copyOf(chain);
        this.policy = requireNonNull(policy, "policy");
    }

    /**
     * @param chain upstreams in the order they are tried
     * @param breakerThreshold consecutive failures that open an upstream's breaker
     * @param openFor how long an open breaker refuses calls
     */
    public static ResilientProvider create(
            List<LlmProvider> chain, RetryPolicy policy, int breakerThreshold, Duration openFor) {
        List<Upstream> upstreams = new ArrayList<>();
        for (LlmProvider p : requireNonNull(chain, "chain")) {
            upstreams.add(new Upstream(p, breakerThreshold, openFor));
        }
        return new ResilientProvider(upstreams, policy);
    }

    /**
     * A chain over upstreams that keep their own breakers, so that building one per request is cheap and every
     * chain sees the same health.
     */
    public static ResilientProvider over(List<Upstream> chain, RetryPolicy policy) {
        return new ResilientProvider(requireNonNull(chain, "chain"), policy);
    }

    @Override
    public String name() {
        return chain.getFirst().provider.name();
    }

    public CircuitBreaker breaker(int index) {
        return chain.get(index).breaker;
    }

    /** The upstreams in the order they are tried. */
    public List<Upstream> upstreams() {
        return chain;
    }

    /** Each upstream's state, in chain order; reads only, safe from any thread. */
    public List<UpstreamStatus> status() {
        List<UpstreamStatus> list = new ArrayList<>(chain.size());
        for (Upstream u : chain) {
            list.add(u.status());
        }
        return list;
    }

    @Override
    public UpstreamCall stream(ChatRequest request, TokenSink sink) {
        Attempts attempts = new Attempts(requireNonNull(request, "request"), requireNonNull(sink, "sink"));
        attempts.next(0, 1, null);
        return attempts;
    }

    /** One client request's attempts. {@code current} is the call in flight; a cancel stops it and any retry. */
    private final class Attempts implements UpstreamCall {
        private final ChatRequest request;
        private final TokenSink sink;
        private volatile boolean cancelled;
        private volatile UpstreamCall current;

        Attempts(ChatRequest request, TokenSink sink) {
            this.request = request;
            this.sink = sink;
        }

        /** Opens an attempt on the first upstream from {@code from} whose breaker lets us, in pass {@code pass}. */
        void next(int from, int pass, UpstreamError last) {
            for (int i = from; i < chain.size(); i++) {
                if (cancelled) {
                    return;
                }
                if (chain.get(i).breaker.tryAcquire()) {
                    Attempt attempt = new Attempt(this, i, pass);
                    current = chain.get(i).provider.stream(request, attempt);
                    if (cancelled) {
                        current.cancel();
                    }
                    return;
                }
            }
            endOfPass(pass, last);
        }

        /** Every upstream of this pass failed or was skipped: wait and go again, or give up. */
        void endOfPass(int pass, UpstreamError last) {
            Duration wait = pass < policy.maxAttempts()
                    ? policy.backoff(pass + 1, last == null ? null : last.retryAfter())
                    : null;
            if (wait == null) {
                sink.publish(new UpstreamEvent.Failed(last != null ? last
                        : UpstreamError.of(ErrorCode.UPSTREAM_UNAVAILABLE,
                                "every upstream is unavailable (circuit open)", true)));
                return;
            }
            Thread.ofVirtual().name("upstream-retry").start(() -> {
                LockSupport.parkNanos(wait.toNanos()); // on its own virtual thread: nobody else waits
                if (!cancelled) {
                    next(0, pass + 1, last);
                }
            });
        }

        @Override
        public void cancel() {
            cancelled = true;
            UpstreamCall c = current;
            if (c != null) {
                c.cancel();
            }
        }
    }

    /** The sink one attempt publishes into: swallows a retryable failure before the first event. */
    private final class Attempt extends ForwardingTokenSink {
        private final Attempts attempts;
        private final int upstream;
        private final int pass;
        private boolean delivered;

        Attempt(Attempts attempts, int upstream, int pass) {
            this.attempts = attempts;
            this.upstream = upstream;
            this.pass = pass;
        }

        @Override
        protected TokenSink delegate() {
            return attempts.sink;
        }

        @Override
        public boolean publish(UpstreamEvent event) {
            Upstream target = chain.get(upstream);
            if (event instanceof UpstreamEvent.Failed failed) {
                UpstreamError error = failed.error();
                target.failed(error);
                if (!delivered && policy.isRetryable(error)) {
                    attempts.next(upstream + 1, pass, error);
                    return false;
                }
            } else if (!delivered) {
                target.answered();
            }
            delivered = true;
            return attempts.sink.publish(event);
        }

    }
}
