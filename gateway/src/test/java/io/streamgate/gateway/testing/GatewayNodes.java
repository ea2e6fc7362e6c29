package io.streamgate.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Several gateway nodes, each a {@link GatewayNode} process, on one real Redis and one PostgreSQL database (a fresh
 * one on {@link PostgresProcess#shared()}), in front of one {@link TestUpstream} that the test drives: a cluster for a test class, started once before its tests and
 * stopped after them (registered as a static {@code @RegisterExtension} field). Tests share the nodes, so each one
 * uses conversations and tenants of its own.
 *
 * <p>Every node knows the API keys {@code <tenant>:key-<tenant>} for the tenants given to the constructor and
 * listens on loopback. A failing test gets each node's output attached to its failure.
 */
public final class GatewayNodes implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {

    private static final int OUTPUT_SHOWN = 20_000;

    private final List<String> names;
    private final List<String> tenants;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, GatewayNode> nodes = new LinkedHashMap<>();
    private RedisProcess redis;
    private TestUpstream upstream;
    private Path dataDir;

    /**
     * @param names the nodes, such as A, B, C (each one's {@code STREAMGATE_NODE_ID})
     * @param tenants the tenants that have keys
     * @param settings more settings for every node, in pairs
     */
    public GatewayNodes(List<String> names, List<String> tenants, String... settings) {
        this.names = List.copyOf(names);
        this.tenants = List.copyOf(tenants);
        this.settings.putAll(GatewayNode.settings(settings));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        redis = RedisProcess.start();
        upstream = new TestUpstream();
        dataDir = Files.createTempDirectory("streamgate-cluster-");
        Map<String, String> common = new LinkedHashMap<>();
        common.put("STREAMGATE_BIND_ADDRESS", "127.0.0.1");
        common.put("STREAMGATE_REDIS_URL", redis.url());
        common.put("STREAMGATE_UPSTREAM_URL", upstream.baseUrl());
        common.put("STREAMGATE_DATABASE_URL", PostgresProcess.shared().createDatabase());
        // Three JVMs and Redis share a small, busy test machine: a Redis command that waits for a core longer than the
        // default 200 ms would count as Redis down, and the nodes would fall back to local state mid-test.
        common.put("STREAMGATE_REDIS_TIMEOUT_MS", "1000");
        common.put("STREAMGATE_API_KEYS", String.join(",", tenants.stream().map(t -> t + ":" + key(t)).toList()));
        common.putAll(settings);
        // Started side by side: a JVM start is mostly one core's work, and there are two.
        List<CompletableFuture<GatewayNode>> starting = names.stream()
                .map(name -> CompletableFuture.supplyAsync(() -> GatewayNode.start(name, withDataDir(common, name)),
                        r -> Thread.ofVirtual().start(r)))
                .toList();
        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<GatewayNode> f : starting) {
            try {
                GatewayNode node = f.join();
                nodes.put(node.name(), node);
            } catch (CompletionException e) {
                failures.add(e.getCause());
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("the cluster did not start", failures.getFirst());
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
        awaitRedisState("up");
    }

    /** Waits until every running node's {@code /readyz} reports the shared Redis {@code up} or {@code down}. */
    public void awaitRedisState(String state) {
        for (GatewayNode node : nodes.values()) {
            if (!node.alive()) {
                continue;
            }
            Await.until(node + " says redis is " + state, () -> {
                try (RawHttpClient r = node.request("GET", "/readyz", null)) {
                    return state.equals(Json.string(Json.raw(r.readBody(), "redis"), "state"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Duration.ofSeconds(30));
        }
    }

    /** Each node has a data directory of its own; the history is in the shared PostgreSQL database. */
    private Map<String, String> withDataDir(Map<String, String> common, String name) {
        Map<String, String> node = new LinkedHashMap<>(common);
        node.put("STREAMGATE_DATA_DIR", dataDir.resolve(name).toString());
        return node;
    }

    /** The key of {@code tenant}, as {@code Authorization: Bearer} takes it. */
    public static String key(String tenant) {
        return "key-" + tenant;
    }

    public GatewayNode node(String name) {
        GatewayNode node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no node " + name + " (the nodes are " + nodes.keySet() + ")");
        }
        return node;
    }

    public RedisProcess redis() {
        return redis;
    }

    public TestUpstream upstream() {
        return upstream;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        for (GatewayNode node : nodes.values()) {
            String out = node.output();
            String shown = out.length() <= OUTPUT_SHOWN ? out : "..." + out.substring(out.length() - OUTPUT_SHOWN);
            failure.addSuppressed(new NodeOutput(node + (node.alive() ? "" : " (exited)") + ", its output:\n" + shown));
        }
        throw failure;
    }

    /** A node's output, attached to a failure; not a failure of its own. */
    private static final class NodeOutput extends Exception {
        NodeOutput(String text) {
            super(text, null, false, false);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Stopped side by side too (SIGTERM, then each one's leak check), since each ends with a few collections.
        List<CompletableFuture<Void>> stopping = nodes.values().stream()
                .map(node -> CompletableFuture.runAsync(node::close, r -> Thread.ofVirtual().start(r)))
                .toList();
        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<Void> f : stopping) {
            try {
                f.join();
            } catch (CompletionException e) {
                failures.add(e.getCause());
            }
        }
        nodes.clear();
        if (upstream != null) {
            upstream.close();
        }
        if (redis != null) {
            redis.close();
        }
        deleteRecursively(dataDir);
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("stopping the cluster failed", failures.getFirst());
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    private static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
