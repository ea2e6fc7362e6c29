package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.function.Function;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSources;

/** The OkHttp + okhttp-sse transport: {@link SseUpstreamCall} on a client from {@link UpstreamClients}. */
public final class OkHttpTransport implements UpstreamTransport {

    private final EventSource.Factory eventSources;

    private OkHttpTransport(OkHttpClient client) {
        this.eventSources = EventSources.createFactory(UpstreamClients.withSseGuard(client));
    }

    /** @param client the shared client, normally from {@link UpstreamClients#create}; the SSE guard is added if missing */
    public static OkHttpTransport of(OkHttpClient client) {
        return new OkHttpTransport(requireNonNull(client, "client"));
    }

    @Override
    public UpstreamCall start(
            StreamingPost post, TokenSink sink, Function<? super TokenSink, ? extends StreamParser> parser) {
        requireNonNull(post, "post");
        Request.Builder http =
                UpstreamClients.streamingPost(post.url(), RequestBody.create(post.body(), MediaType.get(post.contentType())));
        for (Map.Entry<String, String> header : post.headers().entrySet()) {
            http.header(header.getKey(), header.getValue());
        }
        return SseUpstreamCall.start(eventSources, http, sink, parser);
    }
}
