package io.streamgate.llm.openai;

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
 * Streams from any OpenAI-compatible Chat Completions endpoint: OpenAI, vLLM, Ollama ({@code /v1}), llama.cpp
 * server, LM Studio.
 *
 * <p>{@link #stream} only builds the request and hands it to the {@link UpstreamTransport}; the connect, the reading
 * and the parsing run on the transport's thread (a virtual thread with OkHttp, the event loop with Netty).
 */
public final class OpenAiProvider implements LlmProvider {

    public static final String NAME = "openai";

    private static final String JSON = "application/json; charset=utf-8";

    private final UpstreamTransport transport;
    private final HttpUrl endpoint;
    private final String authorization;
    private final String defaultModel;
    private final StreamLimits limits;

    private OpenAiProvider(
            UpstreamTransport transport, HttpUrl endpoint, String authorization, String defaultModel, StreamLimits limits) {
        this.transport = transport;
        this.endpoint = endpoint;
        this.authorization = authorization;
        this.defaultModel = defaultModel;
        this.limits = limits;
    }

    /**
     * @param client the shared client, normally from {@link UpstreamClients#create}
     * @param baseUrl the API root that {@code /chat/completions} is appended to, e.g. {@code https://api.openai.com/v1}
     *     or {@code http://127.0.0.1:11434/v1}
     * @param apiKey sent as {@code Authorization: Bearer}; {@code null} or blank sends no header (local servers)
     * @param defaultModel used when a request names no model; {@code null} leaves the field out, for servers that
     *     serve one model
     * @throws IllegalArgumentException if {@code baseUrl} is not an http(s) URL
     */
    public static OpenAiProvider create(OkHttpClient client, String baseUrl, String apiKey, String defaultModel) {
        return create(OkHttpTransport.of(requireNonNull(client, "client")), baseUrl, apiKey, defaultModel);
    }

    /** {@link #create(OkHttpClient, String, String, String)} over any transport. */
    public static OpenAiProvider create(UpstreamTransport transport, String baseUrl, String apiKey, String defaultModel) {
        requireNonNull(transport, "transport");
        requireNonNull(baseUrl, "baseUrl");
        HttpUrl endpoint = HttpUrl.get(baseUrl).newBuilder().addPathSegments("chat/completions").build();
        return new OpenAiProvider(transport, endpoint,
                apiKey == null || apiKey.isBlank() ? null : "Bearer " + apiKey.strip(),
                defaultModel == null || defaultModel.isBlank() ? null : defaultModel,
                StreamLimits.defaults());
    }

    /** This provider with other bounds on what one stream may gather ({@link StreamLimits#defaults()} until then). */
    public OpenAiProvider withLimits(StreamLimits limits) {
        return new OpenAiProvider(transport, endpoint, authorization, defaultModel, requireNonNull(limits, "limits"));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The URL streams are posted to. */
    public HttpUrl endpoint() {
        return endpoint;
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
        byte[] body = OpenAiRequestWriter.write(request, defaultModel);
        return transport.start(post(body, Map.of()), sink, out -> new OpenAiChunkParser(out, limits));
    }

    /**
     * The streaming request for a Chat Completions body that is already written (a pass-through): this endpoint,
     * {@code headers}, and this adapter's {@code Authorization}, which a header of the same name in {@code headers}
     * cannot replace.
     */
    public StreamingPost post(byte[] body, Map<String, String> headers) {
        requireNonNull(body, "body");
        Map<String, String> all = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (!"Authorization".equalsIgnoreCase(name)) {
                all.put(name, value);
            }
        });
        if (authorization != null) {
            all.put("Authorization", authorization);
        }
        return new StreamingPost(endpoint, JSON, body, all);
    }

    /** The typed parser of a Chat Completions stream, publishing into {@code sink}: for the pass-through's side reading. */
    public static StreamParser parser(TokenSink sink) {
        return parser(sink, StreamLimits.defaults());
    }

    /** The same, bounded by {@code limits}: the deployment's own, as its typed calls are. */
    public static StreamParser parser(TokenSink sink, StreamLimits limits) {
        return new OpenAiChunkParser(requireNonNull(sink, "sink"), requireNonNull(limits, "limits"));
    }

    /** Names the endpoint only: the key must never reach a log line. */
    @Override
    public String toString() {
        return "OpenAiProvider[" + endpoint + "]";
    }
}
