package io.streamgate.bench.servers;

import io.streamgate.engines.PostgresServer;
import io.streamgate.engines.RedisServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engines a shared-state gateway pass runs on, started by the harness on free loopback ports (the same launchers
 * as the gateway's tests) and removed at the end, on failure and on Ctrl-C (a shutdown hook).
 */
public final class SharedState implements AutoCloseable {

    private final List<String> engines;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, String> gatewayEnv = new LinkedHashMap<>();
    private final Thread hook = Thread.ofPlatform().unstarted(this::stopAll);
    private RedisServer redis;
    private PostgresServer postgres;

    private SharedState(List<String> engines) {
        this.engines = List.copyOf(engines);
    }

    /**
     * Starts each of {@code engines} ({@code redis}, {@code postgres}).
     *
     * @throws IllegalStateException when an engine is not installed or does not start
     */
    public static SharedState start(List<String> engines) {
        SharedState state = new SharedState(engines);
        Runtime.getRuntime().addShutdownHook(state.hook);
        try {
            for (String engine : engines) {
                switch (engine) {
                    case "redis" -> {
                        state.redis = state.add(RedisServer.start());
                        state.gatewayEnv.put("STREAMGATE_REDIS_URL", state.redis.url());
                    }
                    case "postgres" -> {
                        // the cluster's own database: the gateway's migrations make their tables in it
                        state.postgres = state.add(PostgresServer.start());
                        state.gatewayEnv.put("STREAMGATE_DATABASE_URL", state.postgres.url("postgres"));
                    }
                    default -> throw new IllegalArgumentException("no launcher for " + engine);
                }
            }
            return state;
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T add(T engine) {
        started.add(engine);
        return engine;
    }

    /** The pass-name suffix of a gateway on these engines: {@code +redis}, {@code +redis+postgres}. */
    public String suffix() {
        return "+" + String.join("+", engines);
    }

    /** The settings that point a gateway at these engines. */
    public Map<String, String> gatewayEnv() {
        return Map.copyOf(gatewayEnv);
    }

    /** The engines' processes, for their CPU during a pass. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        if (redis != null && redis.pid() > 0) {
            pids.add(redis.pid());
        }
        if (postgres != null && postgres.pid() > 0) {
            // the postmaster and its children: a backend per connection of the gateway's pool, and its workers
            ProcessHandle.of(postgres.pid()).ifPresent(postmaster -> {
                pids.add(postmaster.pid());
                postmaster.descendants().forEach(child -> pids.add(child.pid()));
            });
        }
        return pids;
    }

    /** What was started, for the report. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (redis != null) {
            parts.add("redis-server at " + redis.url() + " (no persistence)");
        }
        if (postgres != null) {
            parts.add("PostgreSQL at " + postgres.url("postgres") + " (fsync, full_page_writes and synchronous_commit off: writes are not durable)");
        }
        return String.join(", ", parts);
    }

    private synchronized void stopAll() {
        for (AutoCloseable engine : started.reversed()) {
            try {
                engine.close();
            } catch (Exception e) {
                System.err.println("[bench] could not stop " + engine + ": " + e);
            }
        }
        started.clear();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }
}
