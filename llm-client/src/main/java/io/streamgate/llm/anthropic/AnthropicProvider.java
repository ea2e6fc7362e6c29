package io.streamgate.llm.anthropic;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.OkHttpTransport;
import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.StreamParser;
import io.streamgate.llm.StreamingPost;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamClients;
import io.streamgate.llm.UpstreamTransport;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Streams from the Anthropic Messages API ({@code POST /v1/messages} with {@code stream: true}).
 *
 * <p>Like the OpenAI adapter, {@link #stream} only builds the request and hands it to the {@link UpstreamTransport}.
 * Both adapters share the transport, so the stream contract (one terminal event, cancel, failure mapping) is the
 * same code for both; only the request body and the event parsing are Anthropic's own.
 */
public final class AnthropicProvider implements LlmProvider {

    public static final String NAME = "anthropic";

    /** Anthropic's own spelling; it is byte-for-byte what the API documents. */
    private static final String JSON = "application/json";

    private final UpstreamTransport transport;
    private final HttpUrl endpoint;
    private final String apiKey;
    private final String defaultModel;
    private final AnthropicOptions options;
    private final StreamLimits limits;

    private AnthropicProvider(UpstreamTransport transport, HttpUrl endpoint, String apiKey, String defaultModel,
            AnthropicOptions options, StreamLimits limits) {
        this.transport = transport;
        this.endpoint = endpoint;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        this.defaultModel = defaultModel;
        this.options = options;
        this.limits = limits;
    }

    /**
     * @param client the shared client, normally from {@link UpstreamClients#create}
     * @param baseUrl the API root that {@code /messages} is appended to, e.g. {@code https://api.anthropic.com/v1}
     * @param apiKey sent as {@code x-api-key}; {@code null} or blank sends no header (a proxy that adds it)
     * @param defaultModel used when a request names no model; required, since the API has no default model
     * @param options what the neutral request cannot say: default {@code max_tokens}, caching, thinking, version
     * @throws IllegalArgumentException if {@code baseUrl} is not an http(s) URL or {@code defaultModel} is blank
     */
    public static AnthropicProvider create(
            OkHttpClient client, String baseUrl, String apiKey, String defaultModel, AnthropicOptions options) {
        return create(OkHttpTransport.of(requireNonNull(client, "client")), baseUrl, apiKey, defaultModel, options);
    }

    /** {@link #create(OkHttpClient, String, String, String, AnthropicOptions)} over any transport. */
    public static AnthropicProvider create(
            UpstreamTransport transport, String baseUrl, String apiKey, String defaultModel, AnthropicOptions options) {
        requireNonNull(transport, "transport");
        requireNonNull(baseUrl, "baseUrl");
        requireNonNull(defaultModel, "defaultModel");
        requireNonNull(options, "options");
        if (defaultModel.isBlank()) {
            throw new IllegalArgumentException("defaultModel is blank: the Messages API has no default model");
        }
        HttpUrl endpoint = HttpUrl.get(baseUrl).newBuilder().addPathSegments("messages").build();
        return new AnthropicProvider(transport, endpoint, apiKey, defaultModel, options, StreamLimits.defaults());
    }

    /** {@link #create(OkHttpClient, String, String, String, AnthropicOptions)} with {@link AnthropicOptions#defaults()}. */
    public static AnthropicProvider create(OkHttpClient client, String baseUrl, String apiKey, String defaultModel) {
        return create(client, baseUrl, apiKey, defaultModel, AnthropicOptions.defaults());
    }

    /** {@link #create(UpstreamTransport, String, String, String, AnthropicOptions)} with {@link AnthropicOptions#defaults()}. */
    public static AnthropicProvider create(UpstreamTransport transport, String baseUrl, String apiKey, String defaultModel) {
        return create(transport, baseUrl, apiKey, defaultModel, AnthropicOptions.defaults());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The URL streams are posted to. */
    public HttpUrl endpoint() {
        return endpoint;
    }

    public AnthropicOptions options() {
        return options;
    }

    /** This provider with other bounds on what one stream may gather ({@link StreamLimits#defaults()} until then). */
    public AnthropicProvider withLimits(StreamLimits limits) {
        return new AnthropicProvider(transport, endpoint, apiKey, defaultModel, options, requireNonNull(limits, "limits"));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if a tool's {@code parametersSchema} is not one JSON object
     */
    @Override
    public UpstreamCall stream(ChatRequest request, TokenSink sink) {
        requireNonNull(request, "request");
        requireNonNull(sink, "sink");
        byte[] body = AnthropicRequestWriter.write(request, defaultModel, options);
        return transport.start(post(body, Map.of()), sink, out -> new AnthropicEventParser(out, limits));
    }

    /**
     * The streaming request for a Messages body that is already written (a pass-through): this endpoint,
     * {@code headers} (e.g. the client's {@code anthropic-version} and {@code anthropic-beta}), this adapter's
     * {@code anthropic-version} unless {@code headers} names one, and its {@code x-api-key}, which no header in
     * {@code headers} can replace ({@code x-api-key} and {@code Authorization} there are dropped).
     */
    public StreamingPost post(byte[] body, Map<String, String> headers) {
        requireNonNull(body, "body");
        Map<String, String> all = new LinkedHashMap<>();
        boolean versioned = false;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            if ("x-api-key".equalsIgnoreCase(name) || "Authorization".equalsIgnoreCase(name)) {
                continue;
            }
            versioned |= "anthropic-version".equalsIgnoreCase(name);
            all.put(name, h.getValue());
        }
        if (!versioned) {
            all.put("anthropic-version", options.anthropicVersion());
        }
        if (apiKey != null) {
            all.put("x-api-key", apiKey);
        }
        return new StreamingPost(endpoint, JSON, body, all);
    }

    /** The typed parser of a Messages stream, publishing into {@code sink}: for the pass-through's side reading. */
    public static StreamParser parser(TokenSink sink) {
        return parser(sink, StreamLimits.defaults());
    }

    /** The same, bounded by {@code limits}: the deployment's own, as its typed calls are. */
    public static StreamParser parser(TokenSink sink, StreamLimits limits) {
        return new AnthropicEventParser(requireNonNull(sink, "sink"), requireNonNull(limits, "limits"));
    }

    /** Names the endpoint only: the key must never reach a log line. */
    @Override
    public String toString() {
        return "AnthropicProvider[" + endpoint + "]";
    }
}
