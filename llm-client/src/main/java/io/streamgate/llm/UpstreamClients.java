package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Builds the one {@link OkHttpClient} the gateway shares across all upstream streams.
 *
 * <p>OkHttp's defaults are tuned for short request/response calls and fail a streaming gateway in three ways:
 * the dispatcher runs at most 5 calls per host, so the 6th concurrent stream would silently queue; the pool keeps
 * only 5 idle connections, so bursts reconnect (and re-handshake TLS); and a silent retry on connection failure
 * would replay a prompt the gateway may already have billed. Streams also park their thread while the client is
 * slow (backpressure), so the dispatcher runs on virtual threads: a parked stream costs a few hundred bytes, not a
 * platform thread.
 *
 * <p>Only HTTP/1.1 is offered to providers unless {@link Settings#http2()} is set, so that each stream has its own
 * connection and a slow client's backpressure reaches the provider through TCP. Over HTTP/2, OkHttp keeps reading a
 * stream its consumer has stopped draining into a per-stream buffer of up to its fixed 16 MiB flow-control window,
 * and the streams sharing a connection also share its window.
 */
public final class UpstreamClients {

    /**
     * @param connectTimeout TCP (and TLS) connect limit
     * @param readTimeout the longest silence between two reads while waiting for a response head, or within a body
     *     that is not an event stream; an event stream's body has none (see {@link EventStreamTimeouts}), since its
     *     consumer bounds the silence itself (every read is reported to it, see {@link TokenSink#activity()})
     * @param maxRequests concurrent calls over all hosts
     * @param maxRequestsPerHost concurrent calls to one host; a provider is usually one host, so this is the real cap
     * @param maxIdleConnections idle keep-alive connections kept for reuse
     * @param keepAlive how long an idle connection is kept
     * @param http2 offer HTTP/2 as well (TLS providers then multiplex streams over fewer connections, but a stalled
     *     stream is buffered by OkHttp up to 16 MiB instead of pushing back on the provider)
     * @param maxEventBytes the largest SSE event (or line) a provider may send; over it the stream ends with
     *     {@code upstream_error} (see {@link SseBodyWatch})
     */
    public record Settings(
            Duration connectTimeout,
            Duration readTimeout,
            int maxRequests,
            int maxRequestsPerHost,
            int maxIdleConnections,
            Duration keepAlive,
            boolean http2,
            int maxEventBytes) {

        public static final int DEFAULT_MAX_REQUESTS = 1 << 16;
        public static final int DEFAULT_MAX_EVENT_BYTES = 1 << 20;

        public Settings {
            requireNonNull(connectTimeout, "connectTimeout");
            requireNonNull(readTimeout, "readTimeout");
            requireNonNull(keepAlive, "keepAlive");
            if (maxRequests < 1 || maxRequestsPerHost < 1 || maxIdleConnections < 0 || maxEventBytes < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        /**
         * 5 s connect, 60 s idle read, 65 536 concurrent streams, 1 024 idle connections kept 5 min, HTTP/1.1, 1 MiB
         * events.
         */
        public static Settings defaults() {
            return new Settings(
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(60),
                    DEFAULT_MAX_REQUESTS,
                    DEFAULT_MAX_REQUESTS,
                    1024,
                    Duration.ofMinutes(5),
                    false,
                    DEFAULT_MAX_EVENT_BYTES);
        }

        public Settings withReadTimeout(Duration readTimeout) {
            return new Settings(connectTimeout, readTimeout, maxRequests, maxRequestsPerHost, maxIdleConnections, keepAlive,
                    http2, maxEventBytes);
        }

        public Settings withConnectTimeout(Duration connectTimeout) {
            return new Settings(connectTimeout, readTimeout, maxRequests, maxRequestsPerHost, maxIdleConnections, keepAlive,
                    http2, maxEventBytes);
        }

        public Settings withHttp2(boolean http2) {
            return new Settings(connectTimeout, readTimeout, maxRequests, maxRequestsPerHost, maxIdleConnections, keepAlive,
                    http2, maxEventBytes);
        }

        public Settings withMaxRequests(int maxRequests, int maxRequestsPerHost) {
            return new Settings(connectTimeout, readTimeout, maxRequests, maxRequestsPerHost, maxIdleConnections, keepAlive,
                    http2, maxEventBytes);
        }

        public Settings withMaxEventBytes(int maxEventBytes) {
            return new Settings(connectTimeout, readTimeout, maxRequests, maxRequestsPerHost, maxIdleConnections, keepAlive,
                    http2, maxEventBytes);
        }
    }

    private UpstreamClients() {}

    /**
     * A client with {@link Settings#defaults()}. Share one per process; on shutdown, shut down
     * {@code client.dispatcher().executorService()} and evict {@code client.connectionPool()}.
     */
    public static OkHttpClient create() {
        return create(Settings.defaults());
    }

    public static OkHttpClient create(Settings settings) {
        return create(settings, UpstreamTrust.system());
    }

    /** As {@link #create(Settings)}, verifying TLS providers against {@code trust}. */
    public static OkHttpClient create(Settings settings, UpstreamTrust trust) {
        requireNonNull(settings, "settings");
        requireNonNull(trust, "trust");
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        Dispatcher dispatcher = new Dispatcher(executor);
        dispatcher.setMaxRequests(settings.maxRequests());
        dispatcher.setMaxRequestsPerHost(settings.maxRequestsPerHost());
        OkHttpClient.Builder builder = new OkHttpClient.Builder();
        if (trust.socketFactory() != null) {
            builder.sslSocketFactory(trust.socketFactory(), trust.trustManager());
        }
        return builder
                .dispatcher(dispatcher)
                .protocols(settings.http2() ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1) : List.of(Protocol.HTTP_1_1))
                .connectionPool(new ConnectionPool(
                        settings.maxIdleConnections(), settings.keepAlive().toMillis(), TimeUnit.MILLISECONDS))
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .writeTimeout(settings.connectTimeout().plus(settings.readTimeout()))
                // A stream lasts as long as the model writes; only silence is an error.
                .callTimeout(Duration.ZERO)
                // The gateway decides about retries: a replayed prompt costs money and may duplicate output.
                .retryOnConnectionFailure(false)
                .addInterceptor(SseEofGuard.INSTANCE)
                .addInterceptor(new SseBodyWatch(settings.maxEventBytes())) // inside the guard: sees the raw bytes
                .addNetworkInterceptor(EventStreamTimeouts.INSTANCE)
                .build();
    }

    /**
     * Returns {@code client} if it already carries the {@link SseEofGuard} and an {@link SseBodyWatch}, else a client
     * sharing its dispatcher, pool and settings with what is missing added (the watch with the default event cap).
     * Adapters call this on whatever client they are given.
     */
    public static OkHttpClient withSseGuard(OkHttpClient client) {
        requireNonNull(client, "client");
        boolean guarded = client.interceptors().contains(SseEofGuard.INSTANCE);
        boolean watched = client.interceptors().stream().anyMatch(SseBodyWatch.class::isInstance);
        if (guarded && watched) {
            return client;
        }
        OkHttpClient.Builder builder = client.newBuilder();
        if (!guarded) {
            builder.addInterceptor(SseEofGuard.INSTANCE);
        }
        if (!watched) {
            builder.addInterceptor(new SseBodyWatch(Settings.DEFAULT_MAX_EVENT_BYTES));
        }
        return builder.build();
    }

    /**
     * Starts a POST for an SSE stream. {@code Accept-Encoding: identity} stops OkHttp from asking for gzip, whose
     * decoder buffers: a compressed token would reach the client only when the next compressed block completes.
     */
    public static Request.Builder streamingPost(HttpUrl url, RequestBody body) {
        requireNonNull(url, "url");
        requireNonNull(body, "body");
        return new Request.Builder()
                .url(url)
                .header("Accept", "text/event-stream")
                .header("Accept-Encoding", "identity")
                .post(body);
    }
}
