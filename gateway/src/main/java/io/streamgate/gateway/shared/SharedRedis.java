package io.streamgate.gateway.shared;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.util.concurrent.ScheduledFuture;
import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig.RedisSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The connection to the Redis the nodes share ({@code STREAMGATE_REDIS_URL}): standalone, TLS ({@code rediss://}),
 * Sentinel ({@code redis-sentinel://}) or, with {@code STREAMGATE_REDIS_CLUSTER=true}, Redis Cluster.
 *
 * <p>Keys are UTF-8 strings and values raw bytes. Commands go through {@link #call}, which fails at once while Redis is
 * {@linkplain RedisHealth down} instead of letting every caller wait for a timeout, and reports timeouts and lost
 * connections to the {@link RedisHealth}. A probe every {@link #PROBE_INTERVAL} brings it back up, and connects in the
 * first place when Redis was unreachable at start: a node starts, degraded, without Redis.
 *
 * <p>Lettuce's queue of commands is bounded and commands are refused while disconnected, so a Redis outage costs
 * memory nowhere.
 */
public final class SharedRedis implements AutoCloseable {

    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    /** The longest {@code BLOCK} a command on a {@linkplain #connectForBlocking blocking connection} may ask for. */
    public static final Duration MAX_BLOCK = Duration.ofSeconds(1);
    private static final int MAX_QUEUED_COMMANDS = 65_536;
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisSettings settings;
    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client; // one of these two
    private final RedisClusterClient clusterClient;
    /** For {@link #connectForBlocking}: its longer command timeout; made on first use. */
    private final java.util.concurrent.atomic.AtomicReference<AbstractRedisClient> blockingClient =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final SocketOptions socket;
    private final RedisHealth health;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledFuture<?> probe;
    private volatile StatefulConnection<String, byte[]> connection;
    private volatile RedisClusterAsyncCommands<String, byte[]> commands;

    private SharedRedis(RedisSettings settings, RedisURI uri) {
        this.settings = settings;
        this.uri = uri;
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1).build();
        this.health = new RedisHealth(describe(uri, settings.cluster()));
        socket = SocketOptions.builder().connectTimeout(settings.timeout().multipliedBy(5)).build();
        if (settings.cluster()) {
            clusterClient = clusterClient(resources, uri, socket, settings.timeout());
            client = null;
        } else {
            client = client(resources, socket, settings.timeout());
            clusterClient = null;
        }
        probe = resources.eventExecutorGroup().scheduleWithFixedDelay(this::probe,
                PROBE_INTERVAL.toMillis(), PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to the Redis {@code settings} name, waiting at most a few command timeouts (the caller is the starting
     * thread, never an event loop). Unreachable, it returns anyway: degraded, and connecting in the background.
     *
     * @throws ConfigException when the URL cannot be parsed; the message names the setting and never the password
     */
    public static SharedRedis connect(RedisSettings settings) {
        requireNonNull(settings, "settings");
        if (!settings.enabled()) {
            throw new IllegalArgumentException("STREAMGATE_REDIS_URL is not set");
        }
        RedisURI uri;
        try {
            uri = RedisURI.create(settings.url());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("STREAMGATE_REDIS_URL must be a redis://, rediss:// or redis-sentinel:// URL "
                    + "such as redis://localhost:6379/0");
        }
        // Bounds the connection's handshake (HELLO, AUTH, SELECT), as the socket's connect timeout is bounded; each
        // command keeps the one timeout of the TimeoutOptions. A 200 ms handshake failed on a busy machine.
        uri.setTimeout(settings.timeout().multipliedBy(5));
        SharedRedis redis = new SharedRedis(settings, uri);
        try {
            redis.connectNow().get(settings.timeout().multipliedBy(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Already marked down; the probe goes on trying.
        }
        return redis;
    }

    public RedisHealth health() {
        return health;
    }

    /** This node's name in the shared state. */
    public String nodeId() {
        return settings.nodeId();
    }

    /** Whether this is a Redis Cluster: keys one script touches must then share a hash tag. */
    public boolean cluster() {
        return settings.cluster();
    }

    /** The longest one command may take. */
    public Duration timeout() {
        return settings.timeout();
    }

    /**
     * Runs {@code command} on the shared connection. The future fails at once with {@link RedisUnavailableException}
     * while Redis is down, and completes on one of Lettuce's threads otherwise: hop back to an event loop before
     * touching its state.
     */
    public <T> CompletableFuture<T> call(Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> command) {
        RedisClusterAsyncCommands<String, byte[]> async = commands;
        if (async == null || !health.isUp()) {
            return CompletableFuture.failedFuture(new RedisUnavailableException(health.view()));
        }
        CompletableFuture<T> result;
        try {
            result = command.apply(async).toCompletableFuture();
        } catch (RuntimeException e) {
            noteFailure(e);
            return CompletableFuture.failedFuture(e);
        }
        return result.whenComplete((r, failure) -> {
            if (failure != null) {
                noteFailure(failure);
            }
        });
    }

    /**
     * A new publish/subscribe connection (subscriptions are renewed by Lettuce after a reconnect). The caller owns it
     * and closes it.
     */
    public CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> connectPubSub() {
        return settings.cluster()
                ? clusterClient.connectPubSubAsync(CODEC).thenApply(c -> (StatefulRedisPubSubConnection<String, byte[]>) c)
                : client.connectPubSubAsync(CODEC, uri).toCompletableFuture();
    }

    /**
     * Sends {@code commands} on the shared connection in one write (one hop to Lettuce's thread, one flush), for
     * callers that gather many small commands, such as the XADDs of one event loop's flushes. Each command fails at
     * once with {@link RedisUnavailableException} while Redis is down. A command carries its own encoded arguments and
     * its own output, so its key and value types need not be the connection's: keys encoded once as bytes will do.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void dispatch(java.util.List<? extends AsyncCommand<?, ?, ?>> commands) {
        StatefulConnection<String, byte[]> c = connection;
        if (c == null || !health.isUp()) {
            RedisUnavailableException down = new RedisUnavailableException(health.view());
            commands.forEach(command -> command.completeExceptionally(down));
            return;
        }
        for (AsyncCommand<?, ?, ?> command : commands) {
            command.whenComplete((r, failure) -> {
                if (failure != null) {
                    noteFailure(failure);
                }
            });
        }
        try {
            c.dispatch((java.util.Collection) commands);
        } catch (RuntimeException e) {
            noteFailure(e);
            commands.forEach(command -> command.completeExceptionally(e));
        }
    }

    /**
     * What a key carries instead of a tenant, conversation or owner name: the first 128 bits of its SHA-256, in hex.
     * Hostile or odd bytes in a name never reach Redis, and a name cannot be read back from a key.
     */
    public static String keyHash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The codec of the shared connection's commands: UTF-8 keys, byte-array values. */
    public static RedisCodec<String, byte[]> codec() {
        return CODEC;
    }

    /**
     * A connection of its own, for blocking reads ({@code XREAD BLOCK} of at most {@link #MAX_BLOCK}), which on the
     * shared connection would hold up every other command behind them. Its commands are not counted in the
     * {@linkplain #health() health}. The caller owns it and closes it.
     */
    public CompletableFuture<StatefulConnection<String, byte[]>> connectForBlocking() {
        if (!health.isUp()) {
            return CompletableFuture.failedFuture(new RedisUnavailableException(health.view()));
        }
        AbstractRedisClient blocking = blockingClient.get();
        if (blocking == null) {
            Duration timeout = settings.timeout().plus(MAX_BLOCK);
            AbstractRedisClient made = settings.cluster() ? clusterClient(resources, uri, socket, timeout)
                    : client(resources, socket, timeout);
            if (blockingClient.compareAndSet(null, made)) {
                blocking = made;
            } else {
                made.shutdownAsync();
                blocking = blockingClient.get();
            }
        }
        return blocking instanceof RedisClusterClient cluster
                ? cluster.connectAsync(CODEC).thenApply(c -> (StatefulConnection<String, byte[]>) c)
                : ((RedisClient) blocking).connectAsync(CODEC, uri).toCompletableFuture()
                        .thenApply(c -> (StatefulConnection<String, byte[]>) c);
    }

    /** The async commands of a connection from {@link #connectForBlocking}, whichever kind it is. */
    public static RedisClusterAsyncCommands<String, byte[]> commandsOf(StatefulConnection<String, byte[]> c) {
        return c instanceof StatefulRedisClusterConnection<String, byte[]> cc ? cc.async()
                : ((StatefulRedisConnection<String, byte[]>) c).async();
    }

    private static RedisClient client(ClientResources resources, SocketOptions socket, Duration timeout) {
        RedisClient c = RedisClient.create(resources);
        c.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(MAX_QUEUED_COMMANDS)
                .socketOptions(socket)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        return c;
    }

    private static RedisClusterClient clusterClient(
            ClientResources resources, RedisURI uri, SocketOptions socket, Duration timeout) {
        RedisClusterClient c = RedisClusterClient.create(resources, uri);
        c.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(MAX_QUEUED_COMMANDS)
                .socketOptions(socket)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                .build());
        return c;
    }

    /** Marks Redis down when {@code failure} says it is unreachable or too slow; a refused command does not. */
    private void noteFailure(Throwable failure) {
        Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        boolean refusedByRedis = f instanceof RedisCommandExecutionException
                && !(f instanceof io.lettuce.core.RedisLoadingException) && !(f instanceof io.lettuce.core.RedisBusyException);
        if (!refusedByRedis) {
            health.down(f);
        }
    }

    private CompletableFuture<?> connectNow() {
        if (!connecting.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<? extends StatefulConnection<String, byte[]>> attempt = settings.cluster()
                ? clusterClient.connectAsync(CODEC)
                : client.connectAsync(CODEC, uri).toCompletableFuture();
        return attempt.whenComplete((c, failure) -> {
            connecting.set(false);
            if (failure != null) {
                health.down(failure);
                return;
            }
            connection = c;
            commands = commandsOf(c);
            health.up();
        });
    }

    /** Connects if never connected; otherwise PINGs, which marks Redis up or down. */
    private void probe() {
        RedisClusterAsyncCommands<String, byte[]> async = commands;
        if (async == null) {
            connectNow();
            return;
        }
        async.ping().toCompletableFuture().whenComplete((pong, failure) -> {
            if (failure == null) {
                health.up();
            } else {
                noteFailure(failure);
            }
        });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        probe.cancel(false);
        StatefulConnection<String, byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        AbstractRedisClient blocking = blockingClient.getAndSet(null);
        if (blocking != null) {
            blocking.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } else {
            clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** The server for logs: {@code host:port}, or the sentinels' master name; never credentials. */
    private static String describe(RedisURI uri, boolean cluster) {
        String where = uri.getSentinelMasterId() != null
                ? "sentinel master " + uri.getSentinelMasterId()
                : uri.getHost() + ":" + uri.getPort();
        return (cluster ? "cluster seed " : "") + where + (uri.isSsl() ? " (TLS)" : "");
    }
}
