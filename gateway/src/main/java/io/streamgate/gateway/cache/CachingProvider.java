package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import java.util.Optional;

/**
 * One conversation stream's provider, behind the cache. A call whose request is cacheable (its last message is the
 * user's question: the turn's first step) is looked up first; a hit is replayed into the stream's sink
 * ({@link CacheReplay}), a miss calls the provider and records its answer ({@link AnswerRecorder}). Later steps (after
 * tool results) go straight to the provider, and a turn that called tools is never stored.
 *
 * <p>The sink must name its event loop ({@link TokenSink#home()}): the lookup decides there, and a replay runs there.
 */
public final class CachingProvider implements LlmProvider {

    private final AnswerCache cache;
    private final LlmProvider delegate;
    private final String tenant;
    private final String model;
    private final CachePolicy policy;
    private volatile CacheResult result; // the first lookup's; null when none was made

    CachingProvider(AnswerCache cache, LlmProvider delegate, String tenant, String model, CachePolicy policy) {
        this.cache = requireNonNull(cache, "cache");
        this.delegate = requireNonNull(delegate, "delegate");
        this.tenant = requireNonNull(tenant, "tenant");
        this.model = requireNonNull(model, "model");
        this.policy = requireNonNull(policy, "policy");
    }

    @Override
    public String name() {
        return delegate.name();
    }

    /** What the lookup found, or {@code null} when the stream made none. */
    public CacheResult result() {
        return result;
    }

    /** Whether the stream's answer came from the cache. */
    public boolean servedFromCache() {
        CacheResult r = result;
        return r != null && r.hit();
    }

    @Override
    public UpstreamCall stream(ChatRequest request, TokenSink sink) {
        Optional<CacheKey> key = policy.any() && sink.home() instanceof EventExecutor
                ? cache.key(tenant, model, "", request)
                : Optional.empty();
        if (key.isEmpty()) {
            return delegate.stream(request, sink);
        }
        if (!policy.lookup()) {
            return delegate.stream(request, cache.recorder(key.get(), null).sink(sink));
        }
        Pending pending = new Pending(request, sink, (EventExecutor) sink.home(), key.get());
        pending.lookup = cache.lookup(key.get(), pending.loop, pending::decided);
        return pending;
    }

    /** The call while it is being looked up, then whichever call answers: a replay or the provider's. */
    private final class Pending implements UpstreamCall {
        final ChatRequest request;
        final TokenSink sink;
        final EventExecutor loop;
        final CacheKey key;
        volatile CacheLookup lookup; // set before the decision, which runs in a later task
        volatile UpstreamCall current;
        volatile boolean cancelled;

        Pending(ChatRequest request, TokenSink sink, EventExecutor loop, CacheKey key) {
            this.request = request;
            this.sink = sink;
            this.loop = loop;
            this.key = key;
        }

        void decided(CacheResult found, CachedAnswer answer) {
            assert loop.inEventLoop();
            result = found;
            UpstreamCall call;
            if (answer != null) {
                call = cache.replay(answer, sink, loop);
            } else {
                try {
                    call = delegate.stream(request,
                            policy.store() ? cache.recorder(key, lookup).sink(sink) : sink);
                } catch (RuntimeException e) {
                    // Nothing was published yet, so the ring takes this without parking the loop.
                    sink.publish(new UpstreamEvent.Failed(
                            UpstreamError.of(ErrorCode.INTERNAL, "could not start the upstream call", true)));
                    return;
                }
            }
            current = call;
            if (cancelled) {
                call.cancel();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            lookup.cancel();
            UpstreamCall call = current;
            if (call != null) {
                call.cancel();
            }
        }
    }
}
