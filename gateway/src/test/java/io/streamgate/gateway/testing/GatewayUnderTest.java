package io.streamgate.gateway.testing;

import io.streamgate.gateway.StreamGate;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.conversation.ConversationStore;
import io.streamgate.gateway.routing.ModelRouter;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A gateway on ephemeral ports in front of a {@link TestUpstream} (or the simulator), for end-to-end tests. */
public final class GatewayUnderTest implements AutoCloseable {

    /**
     * The provider transport the gateways of a test run use: the default ({@code netty}), or
     * {@code -Dstreamgate.test.upstreamClient=okhttp} to run a whole suite over the other one ({@code make test-okhttp}).
     */
    public static final String UPSTREAM_CLIENT = System.getProperty("streamgate.test.upstreamClient", "netty");

    private final StreamGate gate;

    private GatewayUnderTest(StreamGate gate) {
        this.gate = gate;
    }

    /** @param upstreamUrl the provider base URL, or null for the built-in simulator */
    public static GatewayUnderTest start(String upstreamUrl, String... settings) {
        return start(upstreamUrl, UnaryOperator.identity(), settings);
    }

    /** As {@link #start(String, String...)}, with {@code router} answering the drop-in endpoints' models. */
    public static GatewayUnderTest start(String upstreamUrl, ModelRouter router, String... settings) {
        return start(upstreamUrl, UnaryOperator.identity(), configured -> router, settings);
    }

    /** As {@link #start(String, String...)}, with the conversation store wrapped by {@code wrapStore}. */
    public static GatewayUnderTest start(
            String upstreamUrl, UnaryOperator<ConversationStore> wrapStore, String... settings) {
        return start(upstreamUrl, wrapStore, UnaryOperator.identity(), settings);
    }

    /** As {@link #start(String, String...)}, with the configured router wrapped by {@code wrapRouter}. */
    public static GatewayUnderTest startWrappingRouter(
            String upstreamUrl, UnaryOperator<ModelRouter> wrapRouter, String... settings) {
        return start(upstreamUrl, UnaryOperator.identity(), wrapRouter, settings);
    }

    private static GatewayUnderTest start(String upstreamUrl, UnaryOperator<ConversationStore> wrapStore,
            UnaryOperator<ModelRouter> wrapRouter, String... settings) {
        Map<String, String> env = new HashMap<>();
        env.put("STREAMGATE_PORT", "0");
        env.put("STREAMGATE_METRICS_PORT", "0");
        env.put("STREAMGATE_IO_THREADS", "2");
        env.put("STREAMGATE_DATA_DIR", freshDataDir());
        env.put("STREAMGATE_UPSTREAM_CLIENT", UPSTREAM_CLIENT);
        if (upstreamUrl != null) {
            env.put("STREAMGATE_UPSTREAM_URL", upstreamUrl);
        }
        for (int i = 0; i + 1 < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        return new GatewayUnderTest(StreamGate.start(GatewayConfig.from(env), wrapStore, wrapRouter));
    }

    private static String freshDataDir() {
        try {
            return java.nio.file.Files.createTempDirectory("streamgate-test-").toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public StreamGate gate() {
        return gate;
    }

    public int port() {
        return gate.port();
    }

    /** POSTs a message to a conversation's stream and reads the head. */
    public RawHttpClient stream(String conversation, String body) throws IOException {
        return RawHttpClient.connect(port())
                .send("POST", "/api/v1/conversations/" + conversation + "/stream", body)
                .readHead();
    }

    /** A sample's value on the metrics port ({@code name} as scraped, labels included), or -1 when absent. */
    public double metric(String name) {
        try {
            String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + gate.metricsPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "(?m)^" + java.util.regex.Pattern.quote(name) + " (\\S+)$").matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String message(String text) {
        return "{\"message\":\"" + text + "\"}";
    }

    @Override
    public void close() {
        gate.close();
    }
}
