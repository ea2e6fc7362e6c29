package io.streamgate.bench.proc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One scrape of the gateway's Prometheus endpoint, kept as raw samples so two scrapes around a pass give the
 * gateway's own view of that pass (e.g. the mean of {@code streaming_gateway_added_latency_ms}), to set against
 * what the client measured from outside.
 */
public record MetricsScrape(String text, Map<String, Double> samples) {

    public static final MetricsScrape NONE = new MetricsScrape("", Map.of());

    /** The histograms whose per-pass means are reported. */
    public static final List<String> HISTOGRAMS = List.of("streaming_first_byte_latency_ms",
            "streaming_first_token_latency_ms", "streaming_gateway_added_latency_ms");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Scrapes {@code url}; {@link #NONE} when it is null or does not answer within 5 s. */
    public static MetricsScrape of(String url) {
        if (url == null) {
            return NONE;
        }
        try {
            return parse(HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NONE;
        }
    }

    /** The samples of a Prometheus text exposition ({@code name{labels} value} lines; comments skipped). */
    public static MetricsScrape parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.isEmpty() || line.startsWith("#") || space < 0) {
                continue;
            }
            try {
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException ignored) {
                // not a plain sample
            }
        }
        return new MetricsScrape(text, samples);
    }

    /** Mean of histogram {@code name} over the observations made between {@code before} and this scrape. */
    public double meanSince(MetricsScrape before, String name) {
        double sum = sum(name + "_sum") - before.sum(name + "_sum");
        double count = sum(name + "_count") - before.sum(name + "_count");
        return count > 0 ? sum / count : Double.NaN;
    }

    /** Whether histogram {@code name} appears in the scrape at all. */
    public boolean exports(String name) {
        return samples.keySet().stream().anyMatch(k -> k.startsWith(name + "_count"));
    }

    /** Sum over all label sets of a sample name. */
    public double sum(String sampleName) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().equals(sampleName) || e.getKey().startsWith(sampleName + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
