package io.streamgate.gateway;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.streamgate.gateway.auth.ApiKeys;
import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.conversation.ConversationStore;
import io.streamgate.gateway.conversation.HistoryCache;
import io.streamgate.gateway.conversation.KnownConversations;
import io.streamgate.gateway.conversation.SqliteConversationStore;
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
import io.streamgate.gateway.simulator.Simulator;
import io.streamgate.gateway.simulator.SimulatorSettings;
import io.streamgate.gateway.stream.StreamLauncher;
import io.streamgate.gateway.stream.StreamDirectory;
import io.streamgate.gateway.stream.StreamRegistry;
import io.streamgate.gateway.stream.StreamServices;
import io.streamgate.gateway.metrics.StreamLog;
import io.streamgate.gateway.stream.StreamSettings;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.UpstreamClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the client port, the metrics port and, when no upstream is configured, the built-in
 * simulator. {@link Main} starts one for the process; tests start as many as they like on ephemeral ports.
 */
public final class StreamGate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamGate.class);

    private final Simulator simulator;
    private final ConversationStore store;
    private final OkHttpClient http;
    private final ExecutorService starter;
    private final EventLoopGroup ioGroup;
    private final Listeners listeners;
    private final HTTPServer metricsServer;
    private final GatewayMetrics metrics;
    private final StreamRegistry streams;
    private final Transport transport;
    private final String bindAddress;
    private final boolean authenticates;
    private static final String LOOPBACK = "127.0.0.1";
    private static final int STORE_THREADS = 4;

    private StreamGate(GatewayConfig config) throws InterruptedException {
        simulator = config.usesSimulator()
                ? Simulator.start(new SimulatorSettings(config.simulatorFirstTokenDelay(),
                        config.simulatorTokenInterval(), config.simulatorTokens(), 0))
                : null;
        http = UpstreamClients.create(UpstreamClients.Settings.defaults()
                .withConnectTimeout(config.upstreamConnectTimeout())
                .withReadTimeout(config.upstreamReadTimeout())
                .withHttp2(config.provider().http2()));
        Upstreams upstreams = Upstreams.create(config, http,
                simulator != null ? simulator.baseUrl() : config.upstreamUrl(), simulator != null);
        LlmProvider provider = upstreams.provider();

        store = SqliteConversationStore.open(config.conversations().dataDir());
        KnownConversations known = KnownConversations.withCapacity(config.conversations().knownIdsCapacity());
        store.forEachConversationId(known::add);
        HistoryCache history = HistoryCache.withMaxBytes(config.conversations().historyCacheBytes());
        ToolRegistry tools = toolRegistry(config);
        ToolRunner toolRunner = new ToolRunner(tools, config.tools().timeout());
        var turnSetup = new StoredTurn.Setup(store, known, history, config.conversations().historyMessages());

        streams = new StreamRegistry();
        GatewayConfig.ResumeSettings resume = config.resume();
        StreamDirectory directory = new StreamDirectory(resume.perStreamBytes(), resume.totalBytes(), resume.window());
        metrics = new GatewayMetrics(new PrometheusRegistry(),
                () -> streams.heldBytes() + directory.heldBytes() + history.weightBytes());
        metrics.watchHistoryCache(history::hits, history::misses);
        // Store work runs on a few platform threads: sqlite-jdbc's native calls would pin virtual threads' carriers,
        // which the upstream readers need. Its queue is bounded in practice by the per-tenant stream limits.
        starter = Executors.newFixedThreadPool(STORE_THREADS, Thread.ofPlatform().daemon().name("streamgate-store-", 0)
                .factory());
        StreamServices services = new StreamServices(StreamSettings.from(config), metrics, streams, new StreamLog());
        StreamLauncher launcher = new StreamLauncher(provider, services,
                (id, tenant, request) -> new StoredTurn(turnSetup, id, tenant, request),
                tools, toolRunner::runAllAsync, config.tools().defaults(), directory, starter);
        Conversations conversations = new Conversations(store, known, history, starter);
        HealthResponder health = simulator != null
                ? new HealthResponder(Upstreams.SIMULATOR, true,
                        config.model() != null ? config.model() : "streamgate-sim", upstreams::states)
                : new HealthResponder(provider.name(), false, config.model(), upstreams::states);

        ApiKeys keys = ApiKeys.parse(config.apiKeys());
        authenticates = keys.enabled();
        bindAddress = authenticates ? config.bindAddress() : LOOPBACK;
        transport = Transport.named(config.transport());
        ioGroup = transport.newGroup(config.ioThreads(), "streamgate-io");
        ServerBootstrap template = new ServerBootstrap()
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark()))
                .childHandler(new GatewayChannelInitializer(
                        config, launcher, conversations, directory, StaticPage.load(), health, keys));
        listeners = Listeners.bind(template, transport, ioGroup, bindAddress, config.port());
        try {
            metricsServer = HTTPServer.builder()
                    .hostname(bindAddress)
                    .port(config.metricsPort())
                    .registry(metrics.registry())
                    .buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the metrics port " + config.metricsPort(), e);
        }
    }

    /** Starts a gateway with {@code config}; returns once both ports are listening. */
    public static StreamGate start(GatewayConfig config) {
        requireNonNull(config, "config");
        try {
            StreamGate gate = new StreamGate(config);
            if (!gate.authenticates) {
                log.warn("no API keys are configured (STREAMGATE_API_KEYS): authentication is off, so the gateway "
                        + "listens on loopback only");
            }
            log.info("streamgate listening on http://{}:{} ({}), metrics on :{}, upstream {}",
                    gate.bindAddress, gate.port(), gate.transport, gate.metricsPort(),
                    gate.simulator != null ? "SIMULATED (built-in simulator, answers are synthetic)" : "configured");
            return gate;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
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

    @Override
    public void close() {
        listeners.close();
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        metricsServer.close();
        starter.shutdown(); // let finished streams store their answers before the store closes
        try {
            if (!starter.awaitTermination(5, TimeUnit.SECONDS)) {
                starter.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            starter.shutdownNow();
        }
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdownNow();
        http.connectionPool().evictAll();
        if (simulator != null) {
            simulator.close();
        }
        store.close();
    }

    /** The built-in tools plus the HTTP tools declared in {@code STREAMGATE_HTTP_TOOLS_FILE}. */
    private static ToolRegistry toolRegistry(GatewayConfig config) {
        GatewayConfig.ToolSettings t = config.tools();
        if (t.httpToolsFile() == null) {
            return ToolRegistry.builtIns();
        }
        try {
            String json = java.nio.file.Files.readString(t.httpToolsFile());
            return ToolRegistry.builtIns().with(HttpTool.fromConfig(json, Set.copyOf(t.allowedHosts()), t.timeout()));
        } catch (IOException e) {
            throw new ConfigException("STREAMGATE_HTTP_TOOLS_FILE: cannot read " + t.httpToolsFile() + ": " + e);
        }
    }
}
