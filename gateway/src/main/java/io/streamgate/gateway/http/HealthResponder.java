package io.streamgate.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamgate.gateway.conversation.ResilientStore;
import io.streamgate.gateway.shared.RedisHealth;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.resilience.CircuitBreaker;
import io.streamgate.llm.resilience.ResilientProvider;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /healthz} (liveness: 200 while the process serves) and {@code /readyz} (readiness: each upstream's state,
 * and 503 when none of them would take a call now). The page reads {@code simulated} from {@code /healthz} to tell
 * users plainly that answers are synthetic.
 *
 * @param upstream {@code simulator}, or the provider's name
 * @param simulated whether the built-in simulator is the upstream
 * @param model the default model, or {@code null}
 * @param upstreams each upstream's state now, in the order they are tried; read on the event loop, so it must
 *     only read memory
 * @param redis the shared Redis's state now, or {@code null} when none is configured; it never makes the gateway
 *     unready, since streams flow without it
 * @param store the shared PostgreSQL store's state now, or {@code null} with the embedded store; it never makes the
 *     gateway unready either: every node shares the database, so taking nodes out would stop the streams in flight
 *     and the drop-in endpoints, which need no history, while new conversation streams get 503 anyway
 */
public record HealthResponder(String upstream, boolean simulated, String model,
        Supplier<List<UpstreamState>> upstreams, Supplier<RedisHealth.View> redis,
        Supplier<ResilientStore.View> store) {

    /**
     * One upstream as {@code /readyz} reports it.
     *
     * @param name its name in logs and the {@code provider} metric label ({@code simulator} for the built-in one)
     * @param kind the API it speaks: {@code openai} or {@code anthropic}
     * @param host {@code host:port} of its base URL (never the path, query or credentials)
     * @param status its breaker and last failure
     * @param route the route it serves (its model name or glob)
     * @param outstanding streams it serves now
     * @param coolingDownMillis how much longer it is left out after a 429 or 529; 0 when it is not
     */
    public record UpstreamState(String name, String kind, String host, ResilientProvider.UpstreamStatus status,
            String route, int outstanding, long coolingDownMillis) {
        public UpstreamState {
            requireNonNull(name, "name");
            requireNonNull(kind, "kind");
            requireNonNull(host, "host");
            requireNonNull(status, "status");
            requireNonNull(route, "route");
        }
    }

    public HealthResponder {
        requireNonNull(upstream, "upstream");
        requireNonNull(upstreams, "upstreams");
    }

    /** {@code /healthz}: the process serves; says nothing about the upstreams. */
    FullHttpResponse live(ByteBufAllocator alloc) {
        return JsonResponses.json(alloc, HttpResponseStatus.OK, json -> {
            json.writeStartObject();
            json.writeStringField("status", "ok");
            writeIdentity(json);
            json.writeEndObject();
        });
    }

    /** {@code /readyz}: 200 if at least one upstream's breaker would let a call through now, else 503. */
    FullHttpResponse ready(ByteBufAllocator alloc) {
        List<UpstreamState> states = upstreams.get();
        boolean ready = states.stream().anyMatch(s -> s.status().breaker().admitsCalls());
        return JsonResponses.json(alloc, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                json -> {
                    json.writeStartObject();
                    json.writeStringField("status", ready ? "ready" : "unavailable");
                    writeIdentity(json);
                    json.writeArrayFieldStart("upstreams");
                    for (UpstreamState s : states) {
                        writeUpstream(json, s);
                    }
                    json.writeEndArray();
                    if (redis != null) {
                        writeRedis(json, redis.get());
                    }
                    if (store != null) {
                        writeStore(json, store.get());
                    }
                    json.writeEndObject();
                });
    }

    /** {@code "redis": {"state": "up|down|connecting", "since": ..., "shared": true|false, "reason": ...}}. */
    private static void writeRedis(JsonGenerator json, RedisHealth.View view) throws IOException {
        json.writeObjectFieldStart("redis");
        json.writeStringField("state", view.state().name().toLowerCase(Locale.ROOT));
        json.writeStringField("since", view.since().toString());
        // Whether resume, stop and limits span the cluster now, or have fallen back to this node.
        json.writeBooleanField("shared", view.state() == RedisHealth.State.UP);
        if (view.reason() != null) {
            json.writeStringField("reason", view.reason());
        }
        json.writeEndObject();
    }

    /** {@code "store": {"kind": "postgresql", "state": "up|down", "since": ..., "pending_writes": n, "dropped_writes": n}}. */
    private static void writeStore(JsonGenerator json, ResilientStore.View view) throws IOException {
        json.writeObjectFieldStart("store");
        json.writeStringField("kind", "postgresql");
        json.writeStringField("state", view.up() ? "up" : "down");
        json.writeStringField("since", view.since().toString());
        json.writeNumberField("pending_writes", view.pendingWrites());
        json.writeNumberField("dropped_writes", view.droppedWrites());
        json.writeEndObject();
    }

    private void writeIdentity(JsonGenerator json) throws IOException {
        json.writeStringField("upstream", upstream);
        json.writeBooleanField("simulated", simulated);
        json.writeStringField("model", model);
    }

    private static void writeUpstream(JsonGenerator json, UpstreamState s) throws IOException {
        CircuitBreaker.View breaker = s.status().breaker();
        json.writeStartObject();
        json.writeStringField("name", s.name());
        json.writeStringField("kind", s.kind());
        json.writeStringField("host", s.host());
        json.writeStringField("breaker", switch (breaker.state()) {
            case CLOSED -> "closed";
            case OPEN -> "open";
            case HALF_OPEN -> "half-open";
        });
        json.writeNumberField("consecutive_failures", breaker.consecutiveFailures());
        json.writeNumberField("retry_in_ms", TimeUnit.NANOSECONDS.toMillis(breaker.refusingForNanos()));
        json.writeStringField("route", s.route());
        json.writeNumberField("outstanding", s.outstanding());
        json.writeNumberField("cooling_down_ms", s.coolingDownMillis());
        ResilientProvider.Failure failure = s.status().lastFailure();
        if (failure == null) {
            json.writeNullField("last_error");
        } else {
            UpstreamError error = failure.error();
            json.writeObjectFieldStart("last_error");
            json.writeStringField("code", error.code().wireName());
            json.writeStringField("message", error.message());
            if (error.httpStatus() != 0) {
                json.writeNumberField("http_status", error.httpStatus());
            }
            json.writeStringField("at", failure.at().toString());
            json.writeEndObject();
        }
        json.writeEndObject();
    }
}
