package io.streamgate.gateway.dropin;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.cache.AnswerRecorder;
import io.streamgate.gateway.cache.CacheKey;
import io.streamgate.gateway.cache.CacheLookup;
import io.streamgate.gateway.cache.CachePolicy;
import io.streamgate.gateway.cache.CacheResult;
import io.streamgate.gateway.cache.CachedAnswer;
import io.streamgate.gateway.http.JsonResponses;
import io.streamgate.gateway.routing.Deployment;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.gateway.routing.ModelRouter;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.gateway.stream.SseOutput;
import io.streamgate.gateway.stream.UpstreamWatchdog;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.PassThroughParser;
import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.StreamParser;
import io.streamgate.llm.TokenRing;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import io.streamgate.gateway.usage.TokenCount;
import io.streamgate.llm.anthropic.AnthropicProvider;
import io.streamgate.llm.openai.OpenAiProvider;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * One drop-in request from its route to the end of its response, on the client channel's event loop (asserted):
 * opens the provider call, consumes its {@link TokenRing} and writes the client's response.
 *
 * <ul>
 *   <li><b>Same dialect</b>: the client's body goes to {@link Deployment#passThrough} on the gateway's transport; a
 *       streaming client gets the provider's events as they came ({@link PassThroughParser}).
 *   <li><b>Other dialect</b>: the body is translated to a neutral request for {@link Deployment#provider()}, and the
 *       events are encoded in the client's dialect ({@link OpenAiWire}, {@link AnthropicWire}).
 *   <li><b>Not streaming</b> ({@code stream: false}): the provider is still read as a stream, and the whole answer
 *       is sent as one document in the client's dialect once it is complete.
 * </ul>
 *
 * <p>The response head waits for the provider's first event, so a failure before it is an HTTP error with the
 * status the client's SDK acts on (429 with {@code Retry-After}, 529, 502, …), and a retryable one first moves on to
 * the route's next deployment. A pass-through call reports its outcome to the router ({@link ModelRouter#succeeded},
 * {@link ModelRouter#failed}: breaker, {@code /readyz}, cool-down after a 429 or 529); a translated one goes through
 * the deployment's typed provider, which does so itself. After the first byte a failure ends the stream with the
 * dialect's error event, never a clean end.
 *
 * <p>Usage: what the call generated is billed to the tenant when it ends ({@link
 * io.streamgate.gateway.usage.UsageMeter}), also when it is cut or cancelled: the provider's usage when it sent it,
 * else estimates from the characters sent and generated.
 *
 * <p>The answer cache, when it is on: a cacheable request ({@link DropInCacheKey}) is looked up before the first
 * attempt, unless it opted out ({@link DropInRequest#cache()}). A hit is replayed ({@link AnswerCache#replay}) as
 * typed events through the same path as a translated call's, so it reaches the client in its own dialect, streamed or
 * as one document, with fresh ids; no provider is called and nothing is billed. A miss calls the provider and records
 * its answer ({@link AnswerRecorder}): a pass-through stream's typed events through the side parser's tap, any other
 * call's as published. Every response says which it was in {@value #CACHE_HEADER} ({@code hit}, {@code semantic} or
 * {@code miss}, also when the request was not looked up).
 *
 * <p>Backpressure: a drain that finds the channel unwritable stops polling; the ring fills and the transport stops
 * reading the provider (the Netty transport turns {@code autoRead} off; OkHttp's thread parks), until the channel
 * drains. A client that leaves cancels the provider call at once.
 */
final class DropInCall {

    static final String CACHE_HEADER = "x-streamgate-cache";

    private enum State { WAITING, STREAMING, ENDED }

    private final Channel channel;
    private final EventLoop loop;
    private final DropInRequest request;
    private final String tenant;
    private final List<Deployment> candidates;
    private final DropInServices services;
    private final Runnable onEnd;

    private State state = State.WAITING;
    private int next;
    private Attempt current;
    private boolean paused;
    private CacheKey cacheKey; // null: the answer is neither looked up nor recorded
    private CacheLookup lookup; // the lookup made, or null
    private String cacheHeader; // the x-streamgate-cache value; null while the cache is off

    /** @param onEnd runs once, on the loop, when the response has ended or the client has gone */
    DropInCall(Channel channel, DropInRequest request, String tenant, List<Deployment> candidates,
            DropInServices services, Runnable onEnd) {
        this.channel = requireNonNull(channel, "channel");
        this.loop = channel.eventLoop();
        this.request = requireNonNull(request, "request");
        this.tenant = requireNonNull(tenant, "tenant");
        this.candidates = List.copyOf(candidates);
        this.services = requireNonNull(services, "services");
        this.onEnd = requireNonNull(onEnd, "onEnd");
        if (this.candidates.isEmpty()) {
            throw new IllegalArgumentException("no deployment to call");
        }
    }

    void start() {
        assert loop.inEventLoop();
        AnswerCache cache = services.cache();
        if (cache == null) {
            openNext();
            return;
        }
        cacheHeader = CacheResult.MISS.header();
        CachePolicy policy = request.cache();
        if (policy.any()) {
            String route = request.model() + "\0" + services.router().label(request.model());
            cacheKey = DropInCacheKey.of(cache, tenant, route, request).orElse(null);
        }
        if (cacheKey != null && policy.lookup()) {
            lookup = cache.lookup(cacheKey, loop, this::lookedUp);
        } else {
            openNext();
        }
    }

    /** The lookup decided (on the loop; never after the call ended): a hit is replayed, else the provider called. */
    private void lookedUp(CacheResult result, CachedAnswer answer) {
        assert loop.inEventLoop();
        if (state == State.ENDED) {
            return;
        }
        cacheHeader = result.header();
        if (answer == null) {
            openNext();
            return;
        }
        Attempt replay = new Attempt(null, answer);
        current = replay;
        replay.open();
    }

    /** One provider call, or one replay from the cache: its ring and encoder; a fallback gets a fresh one. */
    private final class Attempt {
        final Deployment deployment; // null for a replay
        final CachedAnswer cached; // the answer replayed, or null for a provider call
        final Dialect reportedIn; // the dialect the answer's usage is counted in
        final boolean passThrough; // the deployment speaks the client's dialect
        final ModelRouter.Lease lease;
        final TokenRing ring;
        final Runnable drainTask = () -> drain(this);
        final StreamEncoder encoder;
        final AssembledAnswer answer;
        final UpstreamWatchdog watchdog;
        UpstreamCall call;
        boolean delivered; // an event other than a failure has been taken
        boolean finished; // the provider's terminal event has been taken
        long generatedChars; // for estimating tokens when the provider reports no usage
        Usage usage; // what the provider reported at its end

        Attempt(Deployment deployment, CachedAnswer cached) {
            this.deployment = deployment;
            this.cached = cached;
            // A stored answer's usage was counted by a provider this call does not know: taken as the client's dialect.
            this.reportedIn = deployment != null ? deployment.dialect() : request.dialect();
            this.passThrough = deployment != null && deployment.dialect() == request.dialect();
            // A translated call goes through the deployment's typed provider, which counts itself as outstanding.
            this.lease = passThrough ? services.router().begin(deployment) : () -> { };
            // Home: this loop, so the Netty transport reads the call here also when a retry opens it elsewhere.
            this.ring = new TokenRing(services.ringCapacity(), loop, () -> loop.execute(drainTask), null, System::nanoTime);
            this.encoder = !request.stream() ? null
                    : passThrough ? StreamEncoder.RAW
                    : wire(reportedIn);
            this.answer = request.stream() ? null : new AssembledAnswer(services.maxAnswerChars());
            // Silence is excused only while the client is the slow party (the drain paused for its writes).
            this.watchdog = new UpstreamWatchdog(loop, services.firstTokenTimeout(), services.idleTimeout(),
                    () -> paused, ring::nanosSinceActivity, error -> timedOut(this, error));
        }

        void open() {
            if (cached != null) {
                call = services.cache().replay(cached, ring, loop);
                watchdog.stepStarted();
                return;
            }
            AnswerRecorder recorder = cacheKey != null && request.cache().store()
                    ? services.cache().recorder(cacheKey, lookup) : null;
            TokenSink sink = recorder != null ? recorder.sink(ring) : ring;
            Deployment d = deployment;
            if (passThrough) {
                byte[] body = PassThroughBody.rewrite(request, d.upstreamModel());
                Function<TokenSink, StreamParser> typed = typedParser(d.dialect());
                // A pass-through stream publishes raw events: its typed ones are recorded from the side parser.
                call = request.stream()
                        ? services.transport().start(d.passThrough(body, request.headers()), ring,
                                PassThroughParser.factory(typed, request.includeUsage(),
                                        recorder != null ? recorder::record : event -> { }))
                        : services.transport().start(d.passThrough(body, request.headers()), sink, typed);
            } else {
                call = d.provider().stream(request.translated(d.upstreamModel()), sink);
            }
            watchdog.stepStarted();
        }

        /** Counts one event: what it generated, the usage at the end; reports a pass-through call's health. */
        void taken(UpstreamEvent event) {
            switch (event) {
                case UpstreamEvent.RawEvent r -> generatedChars += r.generatedChars();
                case UpstreamEvent.TextDelta t -> generatedChars += t.text().length();
                case UpstreamEvent.ThinkingDelta t -> generatedChars += t.text().length();
                case UpstreamEvent.ToolCall c -> generatedChars += c.name().length() + c.argumentsJson().length();
                case UpstreamEvent.Completed c -> usage = c.usage();
                case UpstreamEvent.Failed f -> {
                    if (passThrough) {
                        services.router().failed(deployment, f.error()); // its breaker, last error and cool-down
                    }
                }
                case UpstreamEvent.SignedThinking s -> { }
            }
            if (event.isTerminal()) {
                finished = true;
            }
            if (!delivered && !(event instanceof UpstreamEvent.Failed) && passThrough) {
                services.router().succeeded(deployment);
            }
        }

        /** Bills what the call used, if it produced anything: the provider's usage, or estimates. */
        void bill() {
            if (cached != null) {
                return; // answered from the cache: no provider was called
            }
            if (!delivered && usage == null) {
                return; // refused before any output (a 429, an outage): nothing was generated
            }
            String label = services.router().label(request.model());
            services.usage().bill(tenant, label != null ? label : "-",
                    TokenCount.of(usage != null ? usage : Usage.NONE, request.body().length, generatedChars));
        }

        /** Stops this attempt: the call is cancelled unless it finished, queued events are dropped. */
        void close() {
            watchdog.cancel();
            ring.close();
            ring.clear();
            if (call != null && !finished) {
                call.cancel();
            }
            lease.close();
        }
    }

    /** The dialect's typed parser for the side reading, under the deployment's configured caps. */
    private Function<TokenSink, StreamParser> typedParser(Dialect dialect) {
        StreamLimits limits = services.streamLimits();
        return dialect == Dialect.ANTHROPIC
                ? sink -> AnthropicProvider.parser(sink, limits)
                : sink -> OpenAiProvider.parser(sink, limits);
    }

    /** The client's dialect's wire, reporting usage as {@code provider} counts it. */
    private StreamEncoder wire(Dialect provider) {
        return request.dialect() == Dialect.ANTHROPIC
                ? new AnthropicWire(request.model(), provider)
                : new OpenAiWire(request.model(), request.includeUsage(), provider);
    }

    private void openNext() {
        Attempt attempt = new Attempt(candidates.get(next++), null);
        current = attempt;
        try {
            attempt.open();
        } catch (BadRequestException | IllegalArgumentException e) { // also a tool schema a request writer refused
            respond(ClientError.of(ClientError.Kind.BAD_REQUEST, e.getMessage()).response(channel.alloc(), request.dialect()));
        }
    }

    // ---- the ring's consumer ----

    private void drain(Attempt a) {
        assert loop.inEventLoop();
        if (a != current || state == State.ENDED) {
            return;
        }
        a.ring.beginDrain();
        if (state == State.STREAMING && !channel.isWritable()) {
            paused = true;
            a.ring.suppressWakeups();
            return;
        }
        paused = false;
        ByteBuf out = null;
        boolean yielded = false;
        try {
            int budget = a.ring.capacity();
            UpstreamEvent event;
            while (state != State.ENDED && current == a && (event = a.ring.poll()) != null) {
                a.watchdog.heardFrom();
                a.taken(event);
                if (state == State.WAITING) {
                    waiting(a, event);
                }
                if (state == State.STREAMING) {
                    if (out == null) {
                        out = channel.alloc().buffer(256);
                    }
                    if (stream(a, event, out)) {
                        out = finishBody(out);
                    }
                }
                if (--budget == 0 && current == a && !a.ring.isEmpty()) {
                    loop.execute(a.drainTask); // yield: one fast stream must not starve the loop's other channels
                    yielded = true;
                    break;
                }
                if (state == State.STREAMING && out != null && !channel.isWritable()) {
                    break; // the next drain finds it unwritable and pauses
                }
            }
        } finally {
            if (out != null) {
                if (out.isReadable() && state == State.STREAMING) {
                    channel.write(new DefaultHttpContent(out), channel.voidPromise());
                } else {
                    out.release();
                }
            }
            channel.flush();
        }
        if (state == State.STREAMING && current == a && !yielded && !a.ring.isEmpty()) {
            // Stopped for writability. The flush above may already have made room (its event then found nothing
            // paused): drain again; else wait for the channel, with the producer's wake-ups off.
            if (channel.isWritable()) {
                loop.execute(a.drainTask);
            } else {
                paused = true;
                a.ring.suppressWakeups();
            }
        }
    }

    /**
     * Writes one event of a started stream into {@code out}.
     *
     * @return whether the stream ended with it and its body must be finished
     */
    private boolean stream(Attempt a, UpstreamEvent event, ByteBuf out) {
        try {
            if (event instanceof UpstreamEvent.Failed failed) {
                ClientError.of(failed.error()).writeEvent(out, request.dialect());
                return true;
            }
            a.encoder.encode(event, out);
            return event.isTerminal();
        } catch (IOException | IllegalArgumentException e) {
            try {
                ClientError.of(ClientError.Kind.UPSTREAM_ERROR, e instanceof IllegalArgumentException
                        ? e.getMessage() : "the answer could not be encoded").writeEvent(out, request.dialect());
            } catch (IOException ignored) {
                // nothing more can be said: the body ends
            }
            return true;
        }
    }

    /**
     * Before the response head: a failure moves on to the next deployment or becomes an HTTP error; a whole answer
     * is gathered; a stream's first event writes the head, and the caller then writes the event into the stream.
     */
    private void waiting(Attempt a, UpstreamEvent event) {
        if (event instanceof UpstreamEvent.Failed failed) {
            UpstreamError error = failed.error();
            if (!a.delivered && error.retryable() && next < candidates.size()) {
                a.close();
                openNext();
                return;
            }
            respond(ClientError.of(error).response(channel.alloc(), request.dialect()));
            return;
        }
        a.delivered = true;
        if (a.answer != null) {
            if (!a.answer.add(event)) {
                respond(ClientError.of(ClientError.Kind.UPSTREAM_ERROR, "the answer exceeds the gateway's size limit")
                        .response(channel.alloc(), request.dialect()));
            } else if (event instanceof UpstreamEvent.Completed) {
                respondDocument(a);
            }
            return;
        }
        HttpResponse head = SseOutput.head("text/event-stream; charset=utf-8");
        if (cacheHeader != null) {
            head.headers().set(CACHE_HEADER, cacheHeader);
        }
        channel.write(head, channel.voidPromise());
        state = State.STREAMING;
    }

    private void respondDocument(Attempt a) {
        FullHttpResponse response;
        try {
            StreamEncoder wire = wire(a.reportedIn);
            response = JsonResponses.json(channel.alloc(), HttpResponseStatus.OK, g -> {
                if (wire instanceof AnthropicWire anthropic) {
                    anthropic.document(g, a.answer);
                } else {
                    ((OpenAiWire) wire).document(g, a.answer);
                }
            });
        } catch (RuntimeException e) { // tool arguments that are not a JSON object, for an Anthropic client
            response = ClientError.of(ClientError.Kind.UPSTREAM_ERROR, "the answer could not be carried in this dialect")
                    .response(channel.alloc(), request.dialect());
        }
        respond(response);
    }

    /**
     * The provider stayed silent past the first-token or idle limit: the call is cancelled and the client told, as
     * an HTTP 504 before the head, else as the dialect's in-stream error. No fallback: the route's time is spent.
     */
    private void timedOut(Attempt a, UpstreamError error) {
        assert loop.inEventLoop();
        if (a != current || state == State.ENDED) {
            return;
        }
        if (a.passThrough) {
            services.router().failed(a.deployment, error); // its breaker and last error, as a Failed event would
        }
        if (state == State.WAITING) {
            respond(ClientError.of(error).response(channel.alloc(), request.dialect()));
            return;
        }
        ByteBuf out = channel.alloc().buffer(256);
        stream(a, new UpstreamEvent.Failed(error), out);
        finishBody(out);
    }

    // ---- ending ----

    /** The whole response at once: an error before the first byte, or a document. Ends the call. */
    private void respond(FullHttpResponse response) {
        if (cacheHeader != null) {
            response.headers().set(CACHE_HEADER, cacheHeader);
        }
        channel.writeAndFlush(response, channel.voidPromise());
        end();
    }

    /** Ends the chunked body after what {@code out} holds; returns {@code null} (the buffer is handed over). */
    private ByteBuf finishBody(ByteBuf out) {
        channel.write(new DefaultHttpContent(out), channel.voidPromise());
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, channel.voidPromise());
        end();
        return null;
    }

    /** The client went away: the provider call is cancelled at once. */
    void onChannelClosed() {
        assert loop.inEventLoop();
        if (state != State.ENDED) {
            end();
        }
    }

    void onWritabilityChanged() {
        assert loop.inEventLoop();
        if (paused && state != State.ENDED && channel.isWritable()) {
            paused = false;
            loop.execute(current.drainTask); // not inline: this can fire inside a drain's own flush
        }
    }

    private void end() {
        state = State.ENDED;
        if (lookup != null) {
            lookup.cancel();
        }
        if (current != null) {
            current.close();
            current.bill();
        }
        onEnd.run();
    }
}
