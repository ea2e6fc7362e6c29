package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.config.ConfigException;
import io.streamgate.llm.ToolSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A tool served by an HTTP endpoint: the model's arguments are POSTed as JSON and the JSON reply is the result.
 *
 * <p>The model chooses the arguments, so this is a server-side request the model can steer; it is fenced in:
 * the URL is fixed by configuration and its host must be on an allowlist ({@code STREAMGATE_TOOL_ALLOWED_HOSTS}),
 * checked when the tool is built and again before every call; redirects are never followed (they could leave
 * the allowlist); connect and request time out; and the reply is read up to {@link #MAX_REPLY_BYTES} whatever
 * its {@code Content-Length} says. A reply that is not 2xx or not JSON is an error. The allowlist names hosts,
 * not addresses, so it does not stop a host whose DNS answer changes (DNS rebinding).
 */
public final class HttpTool implements Tool {

    public static final int MAX_REPLY_BYTES = 256 * 1024;

    private final HttpToolConfig config;
    private final Set<String> allowedHosts;
    private final HttpClient client;
    private final Duration timeout;

    /**
     * @param allowedHosts host names, compared case-insensitively with the URL's host
     * @throws ConfigException when the URL's host is not allowed
     */
    public HttpTool(HttpToolConfig config, Set<String> allowedHosts, HttpClient client, Duration timeout) {
        this.config = requireNonNull(config, "config");
        this.allowedHosts = requireNonNull(allowedHosts, "allowedHosts").stream()
                .map(h -> h.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.client = requireNonNull(client, "client");
        this.timeout = requireNonNull(timeout, "timeout");
        if (!hostAllowed()) {
            throw new ConfigException("HTTP tool '" + config.name() + "': host " + config.host()
                    + " is not in STREAMGATE_TOOL_ALLOWED_HOSTS");
        }
    }

    /**
     * The tools declared in {@code json} (see {@link HttpToolConfig#parse}), sharing one HTTP client that never
     * follows redirects.
     *
     * @param timeout both the connect timeout and the whole request's timeout
     * @throws ConfigException for a malformed declaration or a host not in {@code allowedHosts}
     */
    public static List<HttpTool> fromConfig(String json, Set<String> allowedHosts, Duration timeout) {
        List<HttpToolConfig> configs = HttpToolConfig.parse(json);
        if (configs.isEmpty()) {
            return List.of();
        }
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
        return configs.stream().map(c -> new HttpTool(c, allowedHosts, client, timeout)).toList();
    }

    @Override
    public ToolSpec spec() {
        return config.spec();
    }

    @Override
    public String call(String argumentsJson) throws ToolException {
        requireNonNull(argumentsJson, "argumentsJson");
        if (!hostAllowed()) {
            throw new ToolException("tool '" + config.name() + "' may not call its host");
        }
        HttpRequest request = HttpRequest.newBuilder(config.url())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(argumentsJson, StandardCharsets.UTF_8))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw failure("timed out", e);
        } catch (IOException e) {
            throw failure("could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("was interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw failure("answered HTTP status " + response.statusCode(), null);
            }
            byte[] bytes = body.readNBytes(MAX_REPLY_BYTES + 1);
            if (bytes.length > MAX_REPLY_BYTES) {
                throw failure("answered more than " + MAX_REPLY_BYTES / 1024 + " KiB", null);
            }
            String json = new String(bytes, StandardCharsets.UTF_8);
            if (!JsonText.isValue(json)) {
                throw failure("did not answer JSON", null);
            }
            return json.strip();
        } catch (IOException e) {
            throw failure("failed while answering", e);
        }
    }

    private boolean hostAllowed() {
        return allowedHosts.contains(config.host());
    }

    /** The message names the tool, never its URL: the URL is internal and the message reaches the client. */
    private ToolException failure(String what, Throwable cause) {
        return new ToolException("tool '" + config.name() + "' " + what, cause);
    }
}
