package io.streamgate.gateway;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.cache.CacheMetrics;
import io.streamgate.gateway.cache.CacheSettings;
import io.streamgate.gateway.cache.LocalExactStore;
import io.streamgate.gateway.cache.semantic.MiniLmEmbedder;
import io.streamgate.gateway.cache.semantic.SemanticIndex;
import io.streamgate.gateway.cache.semantic.SemanticSettings;
import io.streamgate.gateway.auth.AdminKey;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.auth.SharedTenantLimits;
import io.streamgate.gateway.auth.TenantAdmission;
import io.streamgate.gateway.auth.TenantLimits;
import io.streamgate.gateway.dropin.DropInServices;
import io.streamgate.gateway.routing.ModelRouter;
import io.streamgate.gateway.usage.UsageMeter;
import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.conversation.AssistantTurn;
import io.streamgate.gateway.conversation.ConversationStore;
import io.streamgate.gateway.conversation.ConversationStoreException;
import io.streamgate.gateway.conversation.HistoryCache;
import io.streamgate.gateway.conversation.KnownConversations;
import io.streamgate.gateway.conversation.PostgresConversationStore;
import io.streamgate.gateway.conversation.ResilientStore;
import io.streamgate.gateway.conversation.StoreHealth;
import io.streamgate.gateway.conversation.SqliteConversationStore;
import io.streamgate.gateway.conversation.StoreExecutor;
import io.streamgate.gateway.conversation.StoredTurn;
import io.streamgate.gateway.http.Conversations;
import io.streamgate.gateway.tools.HttpTool;
import io.streamgate.gateway.tools.ToolRegistry;
import io.streamgate.gateway.tools.ToolRunner;
import java.util.Set;
import io.streamgate.gateway.http.GatewayChannelInitializer;
import io.streamgate.gateway.http.HealthResponder;
import io.streamgate.gateway.http.StaticPage;
import io.streamgate.gateway.metrics.GatewayMetrics;
import io.streamgate.gateway.metrics.LoopbackHostOnly;
import io.streamgate.gateway.resume.RedisJournals;
import io.streamgate.gateway.shared.RedisHealth;
import io.streamgate.gateway.shared.SharedRedis;
import io.streamgate.gateway.simulator.Simulator;
import io.streamgate.gateway.simulator.SimulatorSettings;
import io.streamgate.gateway.stream.StreamLauncher;
import io.streamgate.gateway.stream.StreamDirectory;
import io.streamgate.gateway.stream.StreamRegistry;
import io.streamgate.gateway.stream.StreamServices;
import io.streamgate.gateway.stream.StreamStops;
import io.streamgate.gateway.metrics.StreamLog;
import io.streamgate.gateway.stream.StreamSettings;
import io.streamgate.llm.UpstreamClients;
import io.streamgate.llm.UpstreamTrust;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import io.streamgate.llm.OkHttpTransport;
import io.streamgate.llm.UpstreamTransport;
import io.streamgate.llm.netty.NettyTransport;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the client port, the metrics port and, when no upstream is configured, the built-in
 * simulator. {@link Main} starts one for the process; tests start as many as they like on ephemeral ports.
 */
public final class StreamGate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamGate.class);

    private final StartedResources started;
    private final Simulator simulator;
    private final ConversationStore store;
    private final OkHttpClient http;
    private final StoreExecutor starter;
    private final EventLoopGroup ioGroup;
    private final Listeners listeners;
    private final HTTPServer metricsServer;
    private final GatewayMetrics metrics;
    private final StreamRegistry streams;
    private final SharedRedis redis; // null: no STREAMGATE_REDIS_URL, all hot state is node-local
    private final AnswerCache cache; // null: STREAMGATE_CACHE=off
    private final StreamStops stops;
    private final Transport transport;
    private final String bindAddress;
    private final String metricsBindAddress;
    private final boolean authenticates;
    private final List<String> upstreamLines;
    private final String upstreamTls; // the Netty client's TLS engine, or null with OkHttp
    private static final String LOOPBACK = "127.0.0.1";
    private static final int STORE_THREADS = 4;
    private static final int SEMANTIC_QUEUE = 256; // probes and adds waiting for the index's thread
    /** The longest question embedded, in chars (public: the labelled-pairs evaluation embeds the same text). */
    public static final int SEMANTIC_TEXT_CHARS = 1000;

    /**
     * Starts each part in turn, recording it in {@code started}: what is started last is stopped first, by
     * {@link #close} or, when a later part fails, by {@link #start} at once.
     */
    private StreamGate(GatewayConfig config, StartedResources started, UnaryOperator<ConversationStore> wrapStore,
            UnaryOperator<ModelRouter> wrapRouter) throws InterruptedException {
        this.started = started;
        // What a setting alone can get wrong is checked before anything starts.
        ApiKeys keys = ApiKeys.parse(config.apiKeys());
        AdminKey adminKey = AdminKey.parse(config.adminKey(), keys);
        ToolRegistry tools = toolRegistry(config);
        transport = transport(config);
        if (config.provider().nettyClient() && config.provider().http2()) {
            throw new ConfigException("STREAMGATE_UPSTREAM_HTTP2: the netty upstream client speaks HTTP/1.1 only; "
                    + "HTTP/2 needs STREAMGATE_UPSTREAM_CLIENT=okhttp");
        }
        UpstreamTrust trust = upstreamTrust(config);

        StoreHealth storeHealth = new StoreHealth();
        ConversationStore opened = openStore(config, storeHealth);
        ResilientStore resilient = opened instanceof ResilientStore r ? r : null;
        store = started.add(wrapStore.apply(opened), ConversationStore::close);
        simulator = config.usesSimulator()
                ? started.add(Simulator.start(new SimulatorSettings(config.simulatorFirstTokenDelay(),
                        config.simulatorTokenInterval(), config.simulatorTokens(), 0)), Simulator::close)
                : null;
        http = started.add(UpstreamClients.create(UpstreamClients.Settings.defaults()
                .withConnectTimeout(config.upstreamConnectTimeout())
                .withReadTimeout(config.upstreamReadTimeout())
                .withHttp2(config.provider().http2())
                .withMaxEventBytes(config.provider().maxEventBytes()), trust), StreamGate::stopClient);
        // Before the upstream client: the Netty one reads providers on these loops. Stopped after it, in reverse.
        ioGroup = started.add(transport.newGroup(config.ioThreads(), "streamgate-io"),
                g -> g.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        UpstreamTransport upstreamTransport = upstreamTransport(config, transport, ioGroup, http, trust);
        upstreamTls = upstreamTransport instanceof NettyTransport netty ? netty.tlsEngine() : null;
        Upstreams upstreams = config.routesFile() != null
                ? Upstreams.fromFile(config, upstreamTransport, config.routesFile(), config.environment())
                : Upstreams.create(config, upstreamTransport,
                        simulator != null ? simulator.baseUrl() : config.upstreamUrl(), simulator != null);
        ModelRouter router = requireNonNull(wrapRouter.apply(upstreams.router()), "router");
        upstreamLines = config.routesFile() != null
                ? upstreams.describeRoutes(config.routesFile())
                : config.usesSimulator() ? List.of() : Upstreams.describe(config);

        // Both caches assume this node is the store's only writer; with a shared database other nodes write too, so
        // every turn reads its history from the database (the scan of every id at start would be wasted as well).
        boolean sharedDatabase = config.conversations().database() != null;
        KnownConversations known = sharedDatabase
                ? KnownConversations.disabled()
                : KnownConversations.withCapacity(config.conversations().knownIdsCapacity());
        if (!sharedDatabase) {
            store.forEachConversationId(known::add);
        }
        HistoryCache history = HistoryCache.withMaxBytes(sharedDatabase ? 0 : config.conversations().historyCacheBytes());
        ToolRunner toolRunner = new ToolRunner(tools, config.tools().timeout());
        var turnSetup = new StoredTurn.Setup(store, known, history, config.conversations().historyMessages());

        streams = new StreamRegistry();
        GatewayConfig.ResumeSettings resume = config.resume();
        StreamDirectory directory = new StreamDirectory(
                resume.perStreamBytes(), resume.totalBytes(), resume.window(), resume.maxFollowers());
        metrics = new GatewayMetrics(new PrometheusRegistry(),
                () -> streams.heldBytes() + directory.heldBytes() + history.weightBytes());
        metrics.watchHistoryCache(history::hits, history::misses);
        redis = config.redis().enabled() ? started.add(SharedRedis.connect(config.redis()), SharedRedis::close) : null;
        if (redis != null) {
            metrics.watchRedis(redis.health()::isUp);
        }
        stops = started.add(StreamStops.start(directory, redis), StreamStops::close);
        starter = started.add(new StoreExecutor(STORE_THREADS, config.conversations().storeQueue()),
                StoreExecutor::close); // lets finished streams store their answers before the store closes
        if (redis != null) {
            var journals = started.add(new RedisJournals(redis, new RedisJournals.Settings(config.redis().leaseTtl(),
                    resume.window(), resume.redisMaxEntries(), resume.maxFollowers(), resume.redisMaxFollowers(),
                    config.pingInterval(), config.clientStallTimeout(), resume.redisFlush()),
                    (tenant, id, turn) -> storePartial(tenant, id, turn, history)), RedisJournals::close);
            directory.shareThrough(journals);
        }
        metrics.watchStoreQueue(starter::queued, starter::refused);
        metrics.watchStoreHealth(storeHealth::isUp,
                resilient != null ? resilient::pendingWrites : () -> 0,
                resilient != null ? resilient::droppedWrites : () -> 0);
        StreamLog streamLog = started.add(new StreamLog(), StreamLog::close);
        TenantLimits localLimits = new TenantLimits(config.tenantMaxStreams(), config.tenantRequestsPerMinute(),
                config.conversations().tenantMaxReads(), config.tenantTokensPerMinute(), System::nanoTime);
        TenantAdmission limits = localLimits;
        if (redis != null) {
            SharedTenantLimits shared = started.add(
                    new SharedTenantLimits(redis, localLimits, config.redis().leaseTtl()), SharedTenantLimits::close);
            metrics.watchLimitsFallback(shared::localFallbacks);
            limits = shared;
        }
        UsageMeter usage = new UsageMeter(metrics, limits);
        cache = config.cache().enabled() ? started.add(answerCache(config.cache(), metrics), AnswerCache::close) : null;
        StreamServices services = new StreamServices(StreamSettings.from(config), metrics, streams, streamLog, usage);
        StreamLauncher launcher = new StreamLauncher(router, services,
                (id, tenant, request) -> new StoredTurn(turnSetup, id, tenant, request),
                tools, toolRunner::runAllAsync, config.tools().defaults(), directory, starter, cache);
        Conversations conversations = new Conversations(store, known, history, starter, storeHealth);
        java.util.function.Supplier<RedisHealth.View> redisView = redis != null ? redis.health()::view : null;
        java.util.function.Supplier<ResilientStore.View> storeView = resilient != null ? resilient::view : null;
        HealthResponder health = simulator != null
                ? new HealthResponder(Upstreams.SIMULATOR, true,
                        config.model() != null ? config.model() : Upstreams.SIMULATOR_MODEL, upstreams::states,
                        redisView, storeView)
                : new HealthResponder(router.candidates(null).getFirst().name(), false,
                        config.routesFile() != null ? router.label(null) : config.model(), upstreams::states,
                        redisView, storeView);

        authenticates = keys.enabled();
        bindAddress = authenticates ? config.bindAddress() : LOOPBACK;
        metricsBindAddress = config.metricsBindAddress() != null ? config.metricsBindAddress() : bindAddress;
        ServerBootstrap template = new ServerBootstrap()
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark()))
                .childHandler(new GatewayChannelInitializer(
                        config, launcher, conversations, directory, stops, StaticPage.load(), health, keys, adminKey,
                        limits, new DropInServices(router, upstreamTransport, limits, usage, config.ringCapacity(),
                                config.maxAnswerChars(), config.upstreamFirstTokenTimeout(),
                                config.upstreamIdleTimeout(), Upstreams.streamLimits(config)), cache));
        try {
            listeners = started.add(Listeners.bind(template, transport, ioGroup, bindAddress, config.port(),
                    config.reusePort()), Listeners::close);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows a failed bind's IOException unchecked
            throw cannotListen("STREAMGATE_PORT", "STREAMGATE_BIND_ADDRESS", bindAddress, config.port(), e);
        }
        try {
            HTTPServer.Builder metricsPortBuilder = HTTPServer.builder()
                    .hostname(metricsBindAddress)
                    .port(config.metricsPort())
                    .registry(metrics.registry());
            if (InetAddress.getByName(metricsBindAddress).isLoopbackAddress()) {
                metricsPortBuilder.authenticator(new LoopbackHostOnly());
            }
            metricsServer = started.add(metricsPortBuilder.buildAndStart(), HTTPServer::close);
        } catch (IOException | RuntimeException e) { // an unresolvable host arrives unchecked
            throw cannotListen("STREAMGATE_METRICS_PORT", config.metricsBindAddress() != null
                    ? "STREAMGATE_METRICS_BIND_ADDRESS" : "STREAMGATE_BIND_ADDRESS", metricsBindAddress,
                    config.metricsPort(), e);
        }
    }

    /**
     * Starts a gateway with {@code config}; returns once both ports are listening.
     *
     * @throws ConfigException when a setting is wrong or a port cannot be had; the message names the setting, and
     *     whatever had been started is stopped again
     */
    public static StreamGate start(GatewayConfig config) {
        return start(config, UnaryOperator.identity());
    }

    /**
     * Starts a gateway whose conversation store is {@code wrapStore} applied to the embedded one: a seam for
     * decorating the store (faults and delays in tests, instrumentation).
     */
    public static StreamGate start(GatewayConfig config, UnaryOperator<ConversationStore> wrapStore) {
        return start(config, wrapStore, UnaryOperator.identity());
    }

    /**
     * As {@link #start(GatewayConfig, UnaryOperator)}, with the model router {@code wrapRouter} makes of the configured
     * one: a seam for decorating routing (fakes and faults in tests, instrumentation).
     */
    public static StreamGate start(GatewayConfig config, UnaryOperator<ConversationStore> wrapStore,
            UnaryOperator<ModelRouter> wrapRouter) {
        requireNonNull(config, "config");
        requireNonNull(wrapStore, "wrapStore");
        requireNonNull(wrapRouter, "wrapRouter");
        StartedResources started = new StartedResources();
        StreamGate gate;
        try {
            gate = new StreamGate(config, started, wrapStore, wrapRouter);
        } catch (InterruptedException e) {
            stopAfterFailure(started, e);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (RuntimeException | Error e) {
            stopAfterFailure(started, e);
            throw e;
        }
        if (!gate.authenticates) {
            log.warn("no API keys are configured (STREAMGATE_API_KEYS): authentication is off, so the gateway "
                    + "listens on loopback only and answers only requests whose Host names loopback");
        }
        log.info("streamgate listening on http://{}:{} ({}), metrics on {}:{}", gate.bindAddress, gate.port(),
                gate.transport, gate.metricsBindAddress, gate.metricsPort());
        if (gate.simulator != null) {
            log.info("upstream: SIMULATED (built-in simulator at {}, answers are synthetic)", gate.simulator.baseUrl());
        } else {
            gate.upstreamLines.forEach(upstream -> log.info("upstream: {}", upstream));
            if (gate.upstreamTls != null) {
                log.info("upstream TLS: {}", gate.upstreamTls);
            }
            if (config.provider().caFile() != null) {
                log.info("upstream TLS: the system's CAs and those in {} (STREAMGATE_UPSTREAM_CA_FILE) are trusted",
                        config.provider().caFile().toAbsolutePath());
            }
        }
        return gate;
    }

    private static void stopAfterFailure(StartedResources started, Throwable failure) {
        try {
            started.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    public int port() {
        return listeners.port();
    }

    public int metricsPort() {
        return metricsServer.getPort();
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public StreamRegistry streams() {
        return streams;
    }

    /** The shared Redis, or {@code null} when {@code STREAMGATE_REDIS_URL} is not set. */
    /** The answer cache, or {@code null} when it is off. */
    public AnswerCache cache() {
        return cache;
    }

    public SharedRedis redis() {
        return redis;
    }

    /** What answers {@code DELETE .../stream}, here or across the nodes. */
    public StreamStops stops() {
        return stops;
    }

    /**
     * Stops the metrics port, the listeners and the event loops, lets finished streams store their answers, then
     * stops the upstream client, the simulator and the store: the start order, reversed.
     */
    @Override
    public void close() {
        started.close();
    }

    private static void stopClient(OkHttpClient http) {
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdownNow();
        http.connectionPool().evictAll();
    }

    /**
     * Stores the answer a dead node's stream had sent, reaped here ({@link RedisJournals}): on a store thread, and
     * never refused for a full queue, because nothing else would store it.
     */
    private void storePartial(String tenant, String conversationId, AssistantTurn turn, HistoryCache history) {
        starter.execute(() -> {
            try {
                store.appendAssistant(conversationId, turn);
                history.take(conversationId, tenant); // a window cached here no longer ends the history
            } catch (RuntimeException e) {
                log.warn("conversation {}: could not store the partial answer of a stream whose node died: {}",
                        io.streamgate.gateway.metrics.LogValue.of(conversationId),
                        io.streamgate.gateway.metrics.LogValue.of(e));
            }
        });
    }

    /** {@code STREAMGATE_UPSTREAM_CLIENT}: the OkHttp client, or the Netty one on the gateway's own loops. */
    private UpstreamTransport upstreamTransport(
            GatewayConfig config, Transport transport, EventLoopGroup loops, OkHttpClient http, UpstreamTrust trust) {
        if (!config.provider().nettyClient()) {
            return OkHttpTransport.of(http);
        }
        NettyTransport.Settings settings = NettyTransport.Settings.defaults().withTimeouts(
                config.upstreamConnectTimeout(), config.upstreamReadTimeout(),
                config.upstreamFirstTokenTimeout(), config.upstreamIdleTimeout()).withTrust(trust)
                .withMaxEventBytes(config.provider().maxEventBytes());
        return started.add(NettyTransport.create(loops, transport.socketChannel(), transport.datagramChannel(), settings),
                NettyTransport::close);
    }

    private static Transport transport(GatewayConfig config) {
        Transport transport;
        try {
            transport = Transport.named(config.transport());
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ConfigException("STREAMGATE_TRANSPORT: " + e.getMessage());
        }
        if (config.reusePort() && transport.reusePort() == null) {
            throw new ConfigException("STREAMGATE_REUSE_PORT: sharing the port needs the epoll or io_uring transport; "
                    + "the " + transport.name().toLowerCase(Locale.ROOT) + " transport has no SO_REUSEPORT");
        }
        return transport;
    }

    /** The system's CAs, plus those of {@code STREAMGATE_UPSTREAM_CA_FILE} when it is set. */
    private static UpstreamTrust upstreamTrust(GatewayConfig config) {
        java.nio.file.Path file = config.provider().caFile();
        if (file == null) {
            return UpstreamTrust.system();
        }
        try {
            return UpstreamTrust.systemPlus(file);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new ConfigException("STREAMGATE_UPSTREAM_CA_FILE: cannot read CA certificates from "
                    + file.toAbsolutePath() + ": " + e);
        }
    }

    /**
     * PostgreSQL when {@code STREAMGATE_DATABASE_URL} is set (behind a {@link ResilientStore}, which rides out its
     * outages), else the embedded SQLite file.
     */
    private static ConversationStore openStore(GatewayConfig config, StoreHealth health) {
        GatewayConfig.DatabaseSettings db = config.conversations().database();
        if (db != null) {
            try {
                PostgresConversationStore store = PostgresConversationStore.open(
                        db.url(), db.poolSize(), db.connectTimeout(), java.time.Clock.systemUTC());
                log.info("conversation store: PostgreSQL at {} (STREAMGATE_DATABASE_URL); history is read from it "
                        + "on every turn, as other nodes write it too", store.display());
                return new ResilientStore(store, store::ping, store.display(), health, db.outboxBytes());
            } catch (ConversationStoreException e) {
                throw new ConfigException("STREAMGATE_DATABASE_URL: " + e.getMessage());
            }
        }
        try {
            return SqliteConversationStore.open(config.conversations().dataDir());
        } catch (ConversationStoreException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ConfigException("STREAMGATE_DATA_DIR: cannot open the conversation store in "
                    + config.conversations().dataDir().toAbsolutePath() + ": " + cause);
        }
    }

    /** A port that cannot be listened on, as a one-line error that names the setting to change. */
    private static ConfigException cannotListen(
            String setting, String addressSetting, String host, int port, Exception e) {
        String reason = String.valueOf(e.getMessage());
        if (reason.toLowerCase(Locale.ROOT).contains("already in use")) {
            return new ConfigException(setting + ": port " + port + " is already in use (on " + host + ")");
        }
        return new ConfigException(setting + " / " + addressSetting + ": cannot listen on " + host + ":" + port + ": "
                + (e instanceof BindException ? reason : e.toString()));
    }

    /**
     * The built-in tools plus the HTTP tools declared in {@code STREAMGATE_HTTP_TOOLS_FILE}; checks that
     * {@code STREAMGATE_DEFAULT_TOOLS} names only tools it has.
     */
    /** The answer cache: its entries in this node's memory; with semantic matches, this node's index. */
    private static AnswerCache answerCache(CacheSettings settings, GatewayMetrics metrics) {
        LocalExactStore store = new LocalExactStore(settings.ttl(), settings.maxBytes(), Ticker.systemTicker());
        SemanticIndex semantic = settings.semantic() ? semanticIndex(settings) : null;
        CacheMetrics cacheMetrics = new CacheMetrics(metrics.registry(),
                new CacheMetrics.Sizes(store::entries, store::bytes),
                semantic == null ? CacheMetrics.Sizes.NONE : new CacheMetrics.Sizes(semantic::size, semantic::bytes));
        return new AnswerCache(settings, store, semantic, cacheMetrics, System::nanoTime);
    }

    /** Loads the embedding model (about a second, before the ports open) and starts the index's thread. */
    private static SemanticIndex semanticIndex(CacheSettings settings) {
        return new SemanticIndex(new MiniLmEmbedder(), new SemanticSettings(settings.semanticThreshold(), settings.ttl(),
                settings.semanticMaxBytes(), SEMANTIC_QUEUE, SEMANTIC_TEXT_CHARS), System::nanoTime);
    }

    private static ToolRegistry toolRegistry(GatewayConfig config) {
        GatewayConfig.ToolSettings t = config.tools();
        ToolRegistry registry = t.httpToolsFile() == null ? ToolRegistry.builtIns() : withHttpTools(t);
        try {
            registry.specs(t.defaults());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("STREAMGATE_DEFAULT_TOOLS: " + e.getMessage());
        }
        return registry;
    }

    private static ToolRegistry withHttpTools(GatewayConfig.ToolSettings t) {
        String json;
        try {
            json = java.nio.file.Files.readString(t.httpToolsFile());
        } catch (IOException e) {
            throw new ConfigException("STREAMGATE_HTTP_TOOLS_FILE: cannot read " + t.httpToolsFile() + ": " + e);
        }
        try {
            return ToolRegistry.builtIns().with(HttpTool.fromConfig(json, Set.copyOf(t.allowedHosts()), t.timeout()));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new ConfigException("STREAMGATE_HTTP_TOOLS_FILE " + t.httpToolsFile() + ": " + e.getMessage());
        }
    }
}
