package io.streamgate.gateway.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** POSTs JSON to a running simulator with the JDK client: what the gateway's upstream client does. */
final class SimulatorHttp {

    private SimulatorHttp() {}

    /** POSTs {@code json} to {@code path} on {@code target}'s host and port and reads the whole body. */
    static HttpResponse<String> post(HttpClient http, Simulator target, String path, String json)
            throws IOException, InterruptedException {
        URI uri = URI.create(target.baseUrl().replaceFirst("/v1$", "") + path);
        HttpRequest req = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
