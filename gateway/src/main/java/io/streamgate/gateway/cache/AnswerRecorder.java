package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ForwardingTokenSink;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamEvent;
import java.util.Set;

/**
 * Collects one answer as the provider streams it and stores it when it ends cacheable: the provider finished
 * normally ({@code stop} or {@code length}), no tool was called, and it fits the cache's entry size. Anything else
 * (a failure, a cancel, a tool call, a pass-through event it cannot read) leaves nothing stored.
 *
 * <p>Fed by the producer's thread, one event at a time ({@link #record}), or as a sink in front of the stream's
 * ({@link #sink}). Not thread-safe beyond that single producer.
 */
public final class AnswerRecorder {

    /** The finish reasons of a complete answer, as the parsers normalise them. */
    private static final Set<String> CACHEABLE_FINISH = Set.of("stop", "length");

    private final AnswerCache cache;
    private final CacheKey key;
    private final CacheLookup lookup;
    private final CachedAnswer.Builder answer;
    private boolean spoiled;

    AnswerRecorder(AnswerCache cache, CacheKey key, CacheLookup lookup) {
        this.cache = requireNonNull(cache, "cache");
        this.key = requireNonNull(key, "key");
        this.lookup = lookup;
        this.answer = new CachedAnswer.Builder(cache.settings().maxEntryChars());
    }

    /** Takes one event as published; stores the answer at a cacheable end. */
    public void record(UpstreamEvent event) {
        if (spoiled) {
            return;
        }
        switch (event) {
            case UpstreamEvent.TextDelta t -> spoiled = !answer.add(CachedAnswer.Kind.TEXT, t.text(), cache.clock().getAsLong());
            case UpstreamEvent.ThinkingDelta t -> spoiled = !answer.add(CachedAnswer.Kind.THINKING, t.text(), cache.clock().getAsLong());
            case UpstreamEvent.SignedThinking s -> { } // for the provider's next step; a cached answer has none
            case UpstreamEvent.Completed c -> {
                spoiled = true; // nothing after the end
                if (CACHEABLE_FINISH.contains(c.finishReason())) {
                    cache.store(key, answer.build(c.finishReason(), c.usage()), lookup);
                }
            }
            case UpstreamEvent.ToolCall c -> spoiled = true; // its answer depends on the world
            case UpstreamEvent.RawEvent r -> spoiled = true; // not readable here
            case UpstreamEvent.Failed f -> spoiled = true;
        }
    }

    /** A sink that records each event it forwards to {@code downstream}. */
    public TokenSink sink(TokenSink downstream) {
        requireNonNull(downstream, "downstream");
        return new ForwardingTokenSink() {
            @Override
            protected TokenSink delegate() {
                return downstream;
            }

            @Override
            public boolean publish(UpstreamEvent event) {
                record(event);
                return downstream.publish(event);
            }
        };
    }
}
