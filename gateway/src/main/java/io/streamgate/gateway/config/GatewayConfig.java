package io.streamgate.gateway.config;

import io.streamgate.gateway.cache.CacheSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting of the gateway, read once at start from {@code STREAMGATE_*} environment variables.
 *
 * <p>Each variable may also be given in a properties file named by {@code STREAMGATE_CONFIG}, under the same
 * name; the environment wins over the file. The README lists every setting with its default. A name that is not a
 * setting (a typo, usually) is logged with the closest real one; the real ones are the names this class reads.
 *
 * <p>{@code environment} is the whole environment the settings came from, for the variables a routes file names
 * ({@code api_key_env}); being a function, it prints no value.
 */
public record GatewayConfig(
        String bindAddress,
        int port,
        int metricsPort,
        String metricsBindAddress,
        String upstreamUrl,
        String upstreamApiKey,
        String model,
        List<String> corsOrigins,
        int maxBodyBytes,
        int maxMessageChars,
        int maxAnswerChars,
        int maxSteps,
        int maxHeaderBytes,
        int ringCapacity,
        Duration coalesceMaxDelay,
        int coalesceMaxTokens,
        Duration pingInterval,
        int writeBufferLowWaterMark,
        int writeBufferHighWaterMark,
        int ioThreads,
        String transport,
        boolean reusePort,
        Duration upstreamConnectTimeout,
        Duration upstreamReadTimeout,
        Duration simulatorFirstTokenDelay,
        Duration simulatorTokenInterval,
        int simulatorTokens,
        String apiKeys,
        String adminKey,
        int tenantMaxStreams,
        int tenantRequestsPerMinute,
        int tenantTokensPerMinute,
        Path routesFile,
        Duration requestTimeout,
        Duration idleTimeout,
        Duration upstreamFirstTokenTimeout,
        Duration upstreamIdleTimeout,
        Duration clientStallTimeout,
        ProviderSettings provider,
        ConversationSettings conversations,
        ToolSettings tools,
        ResumeSettings resume,
        RedisSettings redis,
        CacheSettings cache,
        Function<String, String> environment) {

    /**
     * Redis, shared by the nodes of a cluster.
     *
     * @param url {@code redis://}, {@code rediss://} (TLS) or {@code redis-sentinel://}; {@code null}: no Redis, every
     *     piece of hot state is node-local
     * @param cluster whether {@code url} names one node of a Redis Cluster
     * @param timeout the longest one Redis command may take before the gateway treats Redis as down
     * @param nodeId this node's name in the shared state; unique per running process
     * @param leaseTtl how long a lease this node holds in Redis (a tenant's stream slot, a live stream's ownership)
     *     outlives its last renewal; the node renews its leases every third of it, so a dead node's leases lapse
     *     within it
     */
    public record RedisSettings(String url, boolean cluster, Duration timeout, String nodeId, Duration leaseTtl) {

        public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(5);

        public RedisSettings(String url, boolean cluster, Duration timeout, String nodeId) {
            this(url, cluster, timeout, nodeId, DEFAULT_LEASE_TTL);
        }

        public boolean enabled() {
            return url != null;
        }
    }

    /**
     * @param perStreamBytes events kept per stream for resumes
     * @param totalBytes events kept over all streams, live or ended; past it the oldest stream's oldest events go
     * @param window how long an ended stream stays resumable
     * @param grace how long a stream whose client left goes on, waiting for the client to resume; 0 stops it at once
     * @param maxFollowers resumed connections that may follow one live stream at once
     * @param redisMaxEntries entries kept per stream in its Redis copy (each holds the events of one
     *        {@code redisFlush}); older ones are trimmed
     * @param redisMaxFollowers connections following streams of other nodes through Redis, on this node at once
     * @param redisFlush how long a stream's flushed events may wait to be written to its Redis copy together; 0 writes
     *        each flush at once
     */
    public record ResumeSettings(int perStreamBytes, long totalBytes, Duration window, Duration grace,
            int maxFollowers, int redisMaxEntries, int redisMaxFollowers, Duration redisFlush) {}

    /**
     * Which provider API the upstream speaks and how hard to try it.
     *
     * @param kind {@code openai} (any OpenAI-compatible server) or {@code anthropic}
     * @param maxAttempts passes over the fallback chain before a failure reaches the client
     * @param breakerThreshold consecutive failures that open an upstream's circuit breaker
     * @param breakerOpen how long an open breaker keeps its upstream out
     * @param anthropicMaxTokens Anthropic's required {@code max_tokens} when a request sets none
     * @param anthropicPromptCaching {@code cache_control} on the system prompt and tool definitions
     * @param anthropicThinkingBudget extended-thinking budget in tokens; 0 is off
     * @param http2 offer providers HTTP/2 as well as HTTP/1.1 (see {@code UpstreamClients.Settings#http2}); OkHttp only
     * @param caFile PEM certificates trusted for TLS providers in addition to the system's, or {@code null}
     * @param client the upstream transport: {@code okhttp} (a virtual thread per stream) or {@code netty} (each stream
     *     read on its client's event loop)
     * @param maxEventBytes the largest SSE event (or line) a provider may send, on either transport
     * @param maxToolArgumentBytes the most one tool call's arguments may hold, in UTF-8 bytes
     * @param maxToolCalls the most tool calls one provider answer (one agent step) may make
     */
    public record ProviderSettings(
            String kind,
            int maxAttempts,
            int breakerThreshold,
            Duration breakerOpen,
            int anthropicMaxTokens,
            boolean anthropicPromptCaching,
            int anthropicThinkingBudget,
            boolean http2,
            Path caFile,
            String client,
            int maxEventBytes,
            int maxToolArgumentBytes,
            int maxToolCalls) {

        public boolean nettyClient() {
            return "netty".equals(client);
        }
    }

    /**
     * @param dataDir where the embedded conversation store lives
     * @param historyMessages how many stored messages (newest) go to the provider as context
     * @param knownIdsCapacity how many conversation ids the in-memory filter of known ids is sized for (past it, more
     *     new conversations take the slower path that reads the store first)
     * @param historyCacheBytes how much the cache of recently answered conversations' history windows may hold (0: off)
     * @param storeQueue store tasks that may wait for a store thread before new requests get 503 {@code store_busy}
     * @param tenantMaxReads history reads one tenant may have in the store at once (429 beyond), so that one tenant
     *     cannot fill the store threads
     * @param database the shared PostgreSQL store, or {@code null} for the embedded SQLite one in {@code dataDir}
     */
    public record ConversationSettings(
            Path dataDir, int historyMessages, int knownIdsCapacity, long historyCacheBytes, int storeQueue,
            int tenantMaxReads, DatabaseSettings database) {}

    /**
     * @param url where the database is ({@code STREAMGATE_DATABASE_URL}); its password is never printed
     * @param poolSize connections this node keeps open at most
     * @param connectTimeout the longest a connection attempt (or a wait for a pooled connection) may take
     * @param outboxBytes how much answered text may wait in memory for the database to come back
     */
    public record DatabaseSettings(DatabaseUrl url, int poolSize, Duration connectTimeout, long outboxBytes) {}

    /**
     * @param defaults the tools offered when a request names none
     * @param httpToolsFile a JSON file of HTTP tools, or {@code null}
     * @param allowedHosts the only hosts HTTP tools may call
     * @param timeout the longest one tool call may take
     */
    public record ToolSettings(List<String> defaults, Path httpToolsFile, List<String> allowedHosts, Duration timeout) {}

    private static final Logger log = LoggerFactory.getLogger(GatewayConfig.class);
    private static final String CONFIG_FILE = "STREAMGATE_CONFIG";

    /** Reads the process environment (and the {@code STREAMGATE_CONFIG} file, if named). */
    public static GatewayConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the given variables (and the {@code STREAMGATE_CONFIG} file they name, if any). */
    public static GatewayConfig from(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>();
        String file = env.get(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            merged.putAll(readProperties(Path.of(file)));
        }
        env.forEach((k, v) -> {
            if (k.startsWith("STREAMGATE_")) {
                merged.put(k, v);
            }
        });
        Settings s = new Settings(merged, new TreeSet<>(Set.of(CONFIG_FILE)));
        int cores = Runtime.getRuntime().availableProcessors();
        GatewayConfig config = new GatewayConfig(
                s.string("STREAMGATE_BIND_ADDRESS", "0.0.0.0"),
                s.integer("STREAMGATE_PORT", 8080, 0, 65535),
                s.integer("STREAMGATE_METRICS_PORT", 9464, 0, 65535),
                s.string("STREAMGATE_METRICS_BIND_ADDRESS", null), // null: the client port's address
                s.string("STREAMGATE_UPSTREAM_URL", null),
                s.string("STREAMGATE_UPSTREAM_API_KEY", null),
                s.string("STREAMGATE_MODEL", null),
                s.list("STREAMGATE_CORS_ORIGINS"),
                s.integer("STREAMGATE_MAX_BODY_BYTES", 1 << 20, 1024, 64 << 20),
                s.integer("STREAMGATE_MAX_MESSAGE_CHARS", 100_000, 1, 16 << 20),
                s.integer("STREAMGATE_MAX_ANSWER_CHARS", 4 << 20, 1024, 256 << 20),
                s.integer("STREAMGATE_MAX_STEPS", 8, 1, 64),
                s.integer("STREAMGATE_MAX_HEADER_BYTES", 16 * 1024, 1024, 1 << 20),
                s.integer("STREAMGATE_RING_CAPACITY", 64, 2, 1 << 16),
                s.millis("STREAMGATE_COALESCE_MAX_DELAY_MS", 5, 0, 10_000),
                s.integer("STREAMGATE_COALESCE_MAX_TOKENS", 16, 1, 100_000),
                s.millis("STREAMGATE_PING_INTERVAL_MS", 15_000, 1, 3_600_000),
                s.integer("STREAMGATE_WRITE_BUFFER_LOW_BYTES", 32 * 1024, 1, 64 << 20),
                s.integer("STREAMGATE_WRITE_BUFFER_HIGH_BYTES", 64 * 1024, 1, 64 << 20),
                s.integer("STREAMGATE_IO_THREADS", cores, 1, 1024),
                s.choice("STREAMGATE_TRANSPORT", "auto", List.of("auto", "epoll", "io_uring", "nio")),
                s.bool("STREAMGATE_REUSE_PORT", false),
                s.millis("STREAMGATE_UPSTREAM_CONNECT_TIMEOUT_MS", 5_000, 1, 600_000),
                s.millis("STREAMGATE_UPSTREAM_READ_TIMEOUT_MS", 120_000, 1, 3_600_000),
                s.millis("STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", 50, 0, 600_000),
                s.millis("STREAMGATE_SIM_TOKEN_INTERVAL_MS", 20, 0, 600_000),
                s.integer("STREAMGATE_SIM_TOKENS", 60, 1, 100_000),
                s.string("STREAMGATE_API_KEYS", null),
                s.string("STREAMGATE_ADMIN_KEY", null),
                s.integer("STREAMGATE_TENANT_MAX_STREAMS", 64, 1, 1_000_000),
                s.integer("STREAMGATE_TENANT_REQUESTS_PER_MINUTE", 600, 1, 100_000_000),
                s.integer("STREAMGATE_TENANT_TOKENS_PER_MINUTE", 0, 0, 2_000_000_000), // 0: no token limit
                s.path("STREAMGATE_ROUTES_FILE"),
                // STREAMGATE_HEADER_TIMEOUT_MS is the setting's old name; the new one wins when both are set.
                s.millis(s.firstSet("STREAMGATE_REQUEST_TIMEOUT_MS", "STREAMGATE_HEADER_TIMEOUT_MS"), 10_000, 1, 600_000),
                s.millis("STREAMGATE_IDLE_TIMEOUT_MS", 60_000, 1, 3_600_000),
                s.millis("STREAMGATE_UPSTREAM_FIRST_TOKEN_TIMEOUT_MS", 60_000, 1, 3_600_000),
                s.millis("STREAMGATE_UPSTREAM_IDLE_TIMEOUT_MS", 60_000, 1, 3_600_000),
                s.millis("STREAMGATE_CLIENT_STALL_TIMEOUT_MS", 120_000, 1, 3_600_000),
                new ProviderSettings(
                        s.choice("STREAMGATE_UPSTREAM_KIND", "openai", List.of("openai", "anthropic")),
                        s.integer("STREAMGATE_UPSTREAM_MAX_ATTEMPTS", 3, 1, 10),
                        s.integer("STREAMGATE_UPSTREAM_BREAKER_THRESHOLD", 5, 1, 1000),
                        s.millis("STREAMGATE_UPSTREAM_BREAKER_OPEN_MS", 30_000, 1, 3_600_000),
                        s.integer("STREAMGATE_ANTHROPIC_MAX_TOKENS", 4096, 1, 1_000_000),
                        s.bool("STREAMGATE_ANTHROPIC_PROMPT_CACHING", true),
                        s.integer("STREAMGATE_ANTHROPIC_THINKING_BUDGET", 0, 0, 1_000_000),
                        s.bool("STREAMGATE_UPSTREAM_HTTP2", false),
                        s.path("STREAMGATE_UPSTREAM_CA_FILE"),
                        s.choice("STREAMGATE_UPSTREAM_CLIENT", "netty", List.of("netty", "okhttp")),
                        s.integer("STREAMGATE_UPSTREAM_MAX_EVENT_BYTES", 1 << 20, 1024, 64 << 20),
                        s.integer("STREAMGATE_UPSTREAM_MAX_TOOL_ARGUMENT_BYTES", 1 << 20, 1, 64 << 20),
                        s.integer("STREAMGATE_UPSTREAM_MAX_TOOL_CALLS", 32, 1, 1024)),
                new ConversationSettings(
                        Path.of(s.string("STREAMGATE_DATA_DIR", "./data")),
                        s.integer("STREAMGATE_HISTORY_MESSAGES", 40, 1, 10_000),
                        s.integer("STREAMGATE_KNOWN_CONVERSATIONS", 1_000_000, 1_000, 100_000_000),
                        s.integer("STREAMGATE_HISTORY_CACHE_MB", 32, 0, 64 * 1024) * 1024L * 1024L,
                        s.integer("STREAMGATE_STORE_QUEUE", 256, 1, 1_000_000),
                        s.integer("STREAMGATE_TENANT_MAX_READS", 2, 1, 1024),
                        database(s)),
                new ToolSettings(
                        s.list("STREAMGATE_DEFAULT_TOOLS", "current_time,calculator"),
                        s.path("STREAMGATE_HTTP_TOOLS_FILE"),
                        s.list("STREAMGATE_TOOL_ALLOWED_HOSTS", ""),
                        s.millis("STREAMGATE_TOOL_TIMEOUT_MS", 10_000, 1, 600_000)),
                new ResumeSettings(
                        s.integer("STREAMGATE_RESUME_BUFFER_BYTES", 256 * 1024, 1024, 64 << 20),
                        s.integer("STREAMGATE_RESUME_TOTAL_MB", 64, 1, 64 * 1024) * 1024L * 1024L,
                        s.millis("STREAMGATE_RESUME_WINDOW_MS", 300_000, 1, 86_400_000),
                        s.millis("STREAMGATE_RESUME_GRACE_MS", 0, 0, 600_000),
                        s.integer("STREAMGATE_RESUME_MAX_FOLLOWERS", 4, 0, 1024),
                        s.integer("STREAMGATE_RESUME_REDIS_MAX_ENTRIES", 10_000, 2, 1_000_000),
                        s.integer("STREAMGATE_RESUME_REDIS_FOLLOWERS", 256, 0, 65_536),
                        s.millis("STREAMGATE_RESUME_REDIS_FLUSH_MS", 50, 0, 1_000)),
                new RedisSettings(
                        s.string("STREAMGATE_REDIS_URL", null),
                        s.bool("STREAMGATE_REDIS_CLUSTER", false),
                        s.millis("STREAMGATE_REDIS_TIMEOUT_MS", 500, 1, 60_000),
                        NodeIds.checked(s.string("STREAMGATE_NODE_ID", NodeIds.generated())),
                        s.millis("STREAMGATE_REDIS_LEASE_MS", 5_000, 30, 600_000)),
                cache(s),
                java.util.Collections.unmodifiableMap(new HashMap<>(env))::get);
        for (String unknown : s.unread()) { // before the checks below, whose error a typo may explain
            log.warn("{} is not a setting and is ignored{}", SettingNames.printable(unknown),
                    SettingNames.suggestion(unknown, s.read()));
        }
        if (config.writeBufferLowWaterMark > config.writeBufferHighWaterMark) {
            throw new ConfigException("STREAMGATE_WRITE_BUFFER_LOW_BYTES must not exceed STREAMGATE_WRITE_BUFFER_HIGH_BYTES");
        }
        if (config.routesFile != null && config.upstreamUrl != null) {
            throw new ConfigException("STREAMGATE_ROUTES_FILE and STREAMGATE_UPSTREAM_URL are both set: the routes file "
                    + "names every upstream, so set one of them");
        }
        if (config.redis.enabled() && config.redis.leaseTtl().compareTo(config.redis.timeout().multipliedBy(3)) < 0) {
            throw new ConfigException("STREAMGATE_REDIS_LEASE_MS must be at least three times "
                    + "STREAMGATE_REDIS_TIMEOUT_MS: leases are renewed every third of it, and a renewal may take that long");
        }
        if (config.provider.kind.equals("anthropic") && config.model == null && config.routesFile == null) {
            throw new ConfigException("STREAMGATE_MODEL is required with STREAMGATE_UPSTREAM_KIND=anthropic: the "
                    + "Messages API has no default model");
        }
        return config;
    }

    /** The answer cache's settings; all read (so known) whether the cache is on or not. */
    private static CacheSettings cache(Settings s) {
        return new CacheSettings(
                CacheSettings.Mode.valueOf(s.choice("STREAMGATE_CACHE", "off", List.of("off", "exact", "semantic"))
                        .toUpperCase(java.util.Locale.ROOT)),
                s.choice("STREAMGATE_CACHE_SCOPE", "tenant", List.of("tenant", "global")).equals("global"),
                s.millis("STREAMGATE_CACHE_TTL_MS", 3_600_000, 1_000, 2_000_000_000),
                s.integer("STREAMGATE_CACHE_MAX_MB", 64, 1, 1024 * 1024) * 1024L * 1024L,
                s.integer("STREAMGATE_CACHE_MAX_ENTRY_KB", 256, 1, 64 * 1024) * 1024,
                s.decimal("STREAMGATE_CACHE_SEMANTIC_THRESHOLD", CacheSettings.DEFAULT_SEMANTIC_THRESHOLD, 0.5, 1.0),
                s.integer("STREAMGATE_CACHE_SEMANTIC_MAX_MB", 64, 1, 1024 * 1024) * 1024L * 1024L,
                s.millis("STREAMGATE_CACHE_SEMANTIC_BUDGET_MS", 10, 1, 10_000),
                CacheSettings.Pacing.valueOf(s.choice("STREAMGATE_CACHE_REPLAY", "instant", List.of("instant", "original"))
                        .toUpperCase(java.util.Locale.ROOT)));
    }

    /** The PostgreSQL settings when {@code STREAMGATE_DATABASE_URL} is set; read (so known) either way. */
    private static DatabaseSettings database(Settings s) {
        String url = s.string("STREAMGATE_DATABASE_URL", null);
        int poolSize = s.integer("STREAMGATE_DATABASE_POOL_SIZE", 8, 1, 256);
        Duration connectTimeout = s.millis("STREAMGATE_DATABASE_CONNECT_TIMEOUT_MS", 2_000, 250, 60_000);
        long outboxBytes = s.integer("STREAMGATE_STORE_OUTBOX_MB", 64, 1, 64 * 1024) * 1024L * 1024L;
        if (url == null) {
            return null;
        }
        try {
            return new DatabaseSettings(DatabaseUrl.parse(url), poolSize, connectTimeout, outboxBytes);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("STREAMGATE_DATABASE_URL: " + e.getMessage());
        }
    }

    /** Defaults only: what a test starts from. */
    public static GatewayConfig defaults() {
        return from(Map.of());
    }

    /** Whether the built-in simulator is the upstream: neither an upstream URL nor a routes file is set. */
    public boolean usesSimulator() {
        return upstreamUrl == null && routesFile == null;
    }

    private static Map<String, String> readProperties(Path path) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(path)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) { // IllegalArgumentException: a malformed unicode escape
            throw new ConfigException(CONFIG_FILE + ": cannot read the properties file " + path + ": " + e);
        }
        Map<String, String> out = new HashMap<>();
        props.forEach((k, v) -> out.put(k.toString(), v.toString()));
        return out;
    }

    /**
     * Typed, range-checked reads, so a bad value fails at start with the variable's name. Every read records the name
     * in {@code read}: those are the known settings (an unknown one gets a warning), so read each one unconditionally.
     */
    private record Settings(Map<String, String> values, Set<String> read) {

        /** The names given that no read asked for, sorted. */
        Set<String> unread() {
            Set<String> unread = new TreeSet<>(values.keySet());
            unread.removeAll(read);
            return unread;
        }

        /** The first of {@code names} that is set, else the first: for a setting that has an older alias. */
        String firstSet(String... names) {
            String chosen = null;
            for (String name : names) {
                if (string(name, null) != null && chosen == null) { // reads every name: each is a known setting
                    chosen = name;
                }
            }
            return chosen != null ? chosen : names[0];
        }

        String string(String name, String fallback) {
            read.add(name);
            String v = values.get(name);
            return v == null || v.isBlank() ? fallback : v.strip();
        }

        int integer(String name, int fallback, int min, int max) {
            return number(name, fallback, min, max, Integer::valueOf, "an integer");
        }

        double decimal(String name, double fallback, double min, double max) {
            return number(name, fallback, min, max, Double::valueOf, "a number");
        }

        /** A number within [min, max] (NaN is above every max), or {@code fallback} when unset. */
        private <N extends Comparable<N>> N number(
                String name, N fallback, N min, N max, java.util.function.Function<String, N> parse, String kind) {
            String v = string(name, null);
            if (v == null) {
                return fallback;
            }
            N parsed;
            try {
                parsed = parse.apply(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(name + " must be " + kind + ", got '" + v + "'");
            }
            if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + v);
            }
            return parsed;
        }

        Duration millis(String name, int fallback, int min, int max) {
            return Duration.ofMillis(integer(name, fallback, min, max));
        }

        List<String> list(String name) {
            return list(name, "");
        }

        List<String> list(String name, String fallback) {
            read.add(name);
            String v = values.containsKey(name) ? values.get(name) : fallback;
            return java.util.Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
        }

        boolean bool(String name, boolean fallback) {
            String v = string(name, null);
            if (v == null) {
                return fallback;
            }
            return switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new ConfigException(name + " must be true or false, got '" + v + "'");
            };
        }

        String choice(String name, String fallback, List<String> allowed) {
            String v = string(name, fallback).toLowerCase(java.util.Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new ConfigException(name + " must be one of " + allowed + ", got '" + v + "'");
            }
            return v;
        }

        Path path(String name) {
            String v = string(name, null);
            return v == null ? null : Path.of(v);
        }
    }
}
