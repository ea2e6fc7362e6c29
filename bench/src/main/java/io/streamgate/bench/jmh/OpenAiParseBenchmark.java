package io.streamgate.bench.jmh;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.openai.OpenAiProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost per upstream chunk of turning a recorded OpenAI stream into {@link UpstreamEvent}s, through the public
 * {@link OpenAiProvider} API only (its parser is package-private).
 *
 * <p>How it stays in-process and on one thread: the OkHttp client has an interceptor that answers every call
 * with the recorded fixture body, and a dispatcher whose executor runs the call on the caller's thread, so one
 * {@code stream(...)} call reads, frames and parses the whole fixture before it returns.
 *
 * <ul>
 *   <li>{@code provider}: the gateway's real path (okhttp-sse framing + jackson delta parsing + sink);
 *   <li>{@code framingOnly}: okhttp-sse framing with a listener that ignores the data, the floor that
 *       {@code provider} cannot beat. The difference is the delta parser's share.
 * </ul>
 * Scores are per chunk ({@value #CHUNKS} {@code data:} events in the fixture, checked at setup). The fixture is
 * read from {@code -Dstreamgate.fixture}, default {@value #DEFAULT_FIXTURE} relative to the repository root
 * (where {@code make jmh} runs).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseZGC", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class OpenAiParseBenchmark {

    static final int CHUNKS = 51;
    static final String DEFAULT_FIXTURE = "llm-client/src/test/resources/fixtures/recorded/openai-chat-text.sse";
    private static final MediaType EVENT_STREAM = MediaType.get("text/event-stream");
    private static final ChatRequest REQUEST =
            new ChatRequest("gpt-4o", List.of(ChatMessage.user("Tell me a story")), null, null);

    private byte[] fixture;
    private OkHttpClient client;
    private OpenAiProvider provider;
    private CountingSink sink;

    @Setup
    public void setUp() throws IOException {
        Path path = Path.of(System.getProperty("streamgate.fixture", DEFAULT_FIXTURE));
        fixture = Files.readAllBytes(path);
        long events = new String(fixture, java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("data:")).count();
        if (events != CHUNKS) {
            throw new IllegalStateException(path + " has " + events + " data events, CHUNKS says " + CHUNKS);
        }
        client = new OkHttpClient.Builder()
                .dispatcher(new Dispatcher(new CallerRunsExecutor()))
                .addInterceptor(chain -> fixtureResponse(chain.request()))
                .build();
        provider = OpenAiProvider.create(client, "http://127.0.0.1:9/v1", null, null);
        sink = new CountingSink();
        provider.stream(REQUEST, sink);
        if (!sink.completed || sink.deltas == 0) {
            throw new IllegalStateException("the fixture did not parse to deltas and a completion on this thread");
        }
    }

    @Benchmark
    @OperationsPerInvocation(CHUNKS)
    public int provider() {
        sink.reset();
        provider.stream(REQUEST, sink);
        return sink.deltas;
    }

    @Benchmark
    @OperationsPerInvocation(CHUNKS)
    public void framingOnly(Blackhole bh) {
        EventSources.processResponse(fixtureResponse(new Request.Builder().url("http://127.0.0.1:9/").build()),
                new EventSourceListener() {
                    @Override
                    public void onEvent(EventSource source, String id, String type, String data) {
                        bh.consume(data);
                    }
                });
    }

    private Response fixtureResponse(Request request) {
        return new Response.Builder()
                .request(request)
                .protocol(Protocol.HTTP_1_1)
                .code(200)
                .message("OK")
                .header("Content-Type", "text/event-stream")
                .body(ResponseBody.create(fixture, EVENT_STREAM))
                .build();
    }

    /** Counts deltas and notes the terminal event; never refuses. */
    static final class CountingSink implements TokenSink {
        int deltas;
        boolean completed;

        void reset() {
            deltas = 0;
            completed = false;
        }

        @Override
        public boolean publish(UpstreamEvent event) {
            if (event instanceof UpstreamEvent.TextDelta) {
                deltas++;
            } else if (event instanceof UpstreamEvent.Completed) {
                completed = true;
            } else if (event instanceof UpstreamEvent.Failed f) {
                throw new UncheckedIOException(new IOException("fixture stream failed: " + f.error()));
            }
            return true;
        }
    }

    /** Runs each task on the submitting thread, so OkHttp's async call completes inside {@code enqueue}. */
    static final class CallerRunsExecutor extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return shutdown;
        }
    }
}
