package io.streamgate.llm.openai;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.SseUpstreamCall;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamClients;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSources;

/**
 * Streams from any OpenAI-compatible Chat Completions endpoint: OpenAI, vLLM, Ollama ({@code /v1}), llama.cpp
 * server, LM Studio.
 *
 * <p>{@link #stream} only builds the request and enqueues it; the connect, the reading and the parsing run on the
 * client's dispatcher thread (a virtual thread with {@link UpstreamClients}), which is also the thread that parks
 * in {@link TokenSink#publish} when the client is slow, and so stops reading the socket.
 */
public final class OpenAiProvider implements LlmProvider {

    public static final String NAME = "openai";

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final EventSource.Factory eventSources;
    private final HttpUrl endpoint;
    private final String authorization;
    private final String defaultModel;

    private OpenAiProvider(OkHttpClient client, HttpUrl endpoint, String apiKey, String defaultModel) {
        this.eventSources = EventSources.createFactory(UpstreamClients.withSseGuard(client));
        this.endpoint = endpoint;
        this.authorization = apiKey == null || apiKey.isBlank() ? null : "Bearer " + apiKey.strip();
        this.defaultModel = defaultModel == null || defaultModel.isBlank() ? null : defaultModel;
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
        requireNonNull(client, "client");
        requireNonNull(baseUrl, "baseUrl");
        HttpUrl endpoint = HttpUrl.get(baseUrl).newBuilder().addPathSegments("chat/completions").build();
        return new OpenAiProvider(client, endpoint, apiKey, defaultModel);
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
        RequestBody body = RequestBody.create(OpenAiRequestWriter.write(request, defaultModel), JSON);
        Request.Builder http = UpstreamClients.streamingPost(endpoint, body);
        if (authorization != null) {
            http.header("Authorization", authorization);
        }
        return SseUpstreamCall.start(eventSources, http.build(), sink, OpenAiChunkParser::new);
    }

    /** Names the endpoint only: the key must never reach a log line. */
    @Override
    public String toString() {
        return "OpenAiProvider[" + endpoint + "]";
    }
}
