package io.streamgate.gateway.routing;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ForwardingTokenSink;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.StreamingPost;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.resilience.ResilientProvider;
import io.streamgate.llm.resilience.RetryPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.HttpUrl;

/**
 * A deployment of a {@link RouteTable}: its adapter, its circuit breaker and last failure, its outstanding streams and
 * its cool-down. Lock-free; safe from any thread.
 */
final class RoutedDeployment implements Deployment {

    private final DeploymentSpec spec;
    private final String route;
    private final String host;
    private final PassThrough passThrough;
    private final RouteTable.Settings settings;
    private final ResilientProvider.Upstream upstream;
    private final LlmProvider provider;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong coolUntilNanos;

    /** @param route the label of the route it serves */
    RoutedDeployment(DeploymentSpec spec, String route, AdapterFactory.Adapter adapter, RouteTable.Settings settings) {
        this.spec = requireNonNull(spec, "spec");
        this.route = requireNonNull(route, "route");
        this.settings = requireNonNull(settings, "settings");
        this.host = hostOf(spec.url());
        this.passThrough = adapter.passThrough();
        this.upstream = new ResilientProvider.Upstream(
                new Tracked(adapter.typed()), settings.breakerThreshold(), settings.breakerOpen());
        this.provider = ResilientProvider.over(java.util.List.of(upstream), new RetryPolicy(
                1, settings.retry().baseBackoff(), settings.retry().maxBackoff(), settings.retry().maxRetryAfter()));
        this.coolUntilNanos = new AtomicLong(settings.clock().getAsLong());
    }

    /** {@code host:port} only: a URL may carry credentials or a query, which health reports must not show. */
    private static String hostOf(String url) {
        HttpUrl parsed = HttpUrl.parse(url);
        return parsed == null ? "?" : parsed.host() + ":" + parsed.port();
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Dialect dialect() {
        return spec.dialect();
    }

    @Override
    public String upstreamModel() {
        return spec.model();
    }

    /** A single attempt on this deployment, through its breaker, as an outstanding stream. */
    @Override
    public LlmProvider provider() {
        return provider;
    }

    @Override
    public StreamingPost passThrough(byte[] body, Map<String, String> headers) {
        return passThrough.post(requireNonNull(body, "body"), requireNonNull(headers, "headers"));
    }

    String route() {
        return route;
    }

    String host() {
        return host;
    }

    int weight() {
        return spec.weight();
    }

    /** The upstream as a chain element: its breaker is this deployment's, shared by every request's chain. */
    ResilientProvider.Upstream upstream() {
        return upstream;
    }

    int outstanding() {
        return outstanding.get();
    }

    /** Whether it should take a new stream now: its breaker lets calls through and it is not cooling down. */
    boolean healthy() {
        return coolingForNanos() == 0 && upstream.breaker().view().admitsCalls();
    }

    long coolingForNanos() {
        return Math.max(0, coolUntilNanos.get() - settings.clock().getAsLong());
    }

    ModelRouter.Lease begin() {
        outstanding.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                outstanding.decrementAndGet();
            }
        };
    }

    /** Out of the choice for {@code retryAfter} (the default when {@code null}, at most the maximum). */
    void coolDown(Duration retryAfter) {
        Duration wait = retryAfter == null || retryAfter.isNegative() ? settings.defaultCoolDown() : retryAfter;
        if (wait.compareTo(settings.maxCoolDown()) > 0) {
            wait = settings.maxCoolDown();
        }
        long until = settings.clock().getAsLong() + wait.toNanos();
        coolUntilNanos.accumulateAndGet(until, (current, next) -> next - current > 0 ? next : current);
    }

    void failed(UpstreamError error) {
        upstream.failed(error);
        if (coolsDown(error)) {
            coolDown(error.retryAfter());
        }
    }

    void succeeded() {
        upstream.answered();
    }

    /** A 429 (rate limited) or Anthropic's 529 (overloaded): the deployment asks for a pause, not a breaker trip. */
    private static boolean coolsDown(UpstreamError error) {
        return error.httpStatus() == 429 || error.httpStatus() == 529;
    }

    @Override
    public String toString() {
        return "Deployment[" + spec.name() + ", " + spec.dialect() + " at " + host + "]";
    }

    /**
     * The adapter under the deployment's name, sending its model, counting each call as an outstanding stream until
     * its end or cancel, and cooling the deployment down on a 429 or 529. Breakers are the chain's business.
     */
    private final class Tracked implements LlmProvider {
        private final LlmProvider adapter;

        Tracked(LlmProvider adapter) {
            this.adapter = requireNonNull(adapter, "adapter");
        }

        @Override
        public String name() {
            return spec.name();
        }

        @Override
        public UpstreamCall stream(ChatRequest request, TokenSink sink) {
            ChatRequest routed = spec.model() == null ? request : request.withModel(spec.model());
            ModelRouter.Lease lease = begin();
            try {
                UpstreamCall call = adapter.stream(routed, new Watching(requireNonNull(sink, "sink"), lease));
                return () -> {
                    lease.close();
                    call.cancel();
                };
            } catch (RuntimeException e) {
                lease.close();
                throw e;
            }
        }

        @Override
        public String toString() {
            return "Tracked[" + adapter + "]";
        }
    }

    /** Passes everything on, backpressure included; ends the lease with the stream. */
    private final class Watching extends ForwardingTokenSink {
        private final TokenSink sink;
        private final ModelRouter.Lease lease;

        Watching(TokenSink sink, ModelRouter.Lease lease) {
            this.sink = sink;
            this.lease = lease;
        }

        @Override
        protected TokenSink delegate() {
            return sink;
        }

        @Override
        public boolean publish(UpstreamEvent event) {
            if (event instanceof UpstreamEvent.Failed failed && coolsDown(failed.error())) {
                coolDown(failed.error().retryAfter());
            }
            if (event.isTerminal()) {
                lease.close();
            }
            return sink.publish(event);
        }
    }
}
