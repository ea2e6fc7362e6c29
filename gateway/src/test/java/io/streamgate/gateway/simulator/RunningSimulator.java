package io.streamgate.gateway.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A simulator with no delays and a JDK HTTP/1.1 client, started once for a test class: what the gateway's
 * upstream client talks to. Register it as a static {@code @RegisterExtension} field.
 */
final class RunningSimulator implements BeforeAllCallback, AfterAllCallback {

    private final int tokens;
    private Simulator simulator;
    private HttpClient http;

    RunningSimulator(int tokens) {
        this.tokens = tokens;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        simulator = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, tokens, 0));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        http.close();
        simulator.close();
    }

    Simulator simulator() {
        return simulator;
    }

    HttpClient http() {
        return http;
    }

    /** POSTs {@code json} to {@code path} on {@code target}'s host and port and reads the whole body. */
    HttpResponse<String> post(Simulator target, String path, String json) throws IOException, InterruptedException {
        URI uri = URI.create(target.baseUrl().replaceFirst("/v1$", "") + path);
        HttpRequest req = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
