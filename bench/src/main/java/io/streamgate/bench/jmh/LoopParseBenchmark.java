package io.streamgate.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streamgate.bench.jmh.OpenAiParseBenchmark.CountingSink;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.GuardedSink;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.StreamParser;
import io.streamgate.llm.StreamingPost;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamTransport;
import io.streamgate.llm.anthropic.AnthropicProvider;
import io.streamgate.llm.netty.SseFramer;
import io.streamgate.llm.openai.OpenAiProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost per SSE event of the Netty transport's read path without the socket: {@link SseFramer} on a direct
 * {@link ByteBuf} holding a recorded stream, then the provider's own parser, reached through the public provider API
 * with a transport that replays the body on the caller's thread. Scores are per event ({@value #OPENAI_EVENTS} in
 * the OpenAI fixture, {@value #ANTHROPIC_EVENTS} in the Anthropic one, checked at setup); run with {@code -prof gc}
 * for the bytes allocated per event.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseZGC", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class LoopParseBenchmark {

    static final int OPENAI_EVENTS = 51;
    static final int ANTHROPIC_EVENTS = 9;
    private static final String FIXTURES = "llm-client/src/test/resources/fixtures/recorded/";
    private static final ChatRequest REQUEST =
            new ChatRequest("m", List.of(ChatMessage.user("Tell me a story")), null, null);

    private Replay openAi;
    private Replay anthropic;

    @Setup
    public void setUp() throws IOException {
        openAi = new Replay(FIXTURES + "openai-chat-text.sse", OPENAI_EVENTS,
                transport -> OpenAiProvider.create(transport, "http://127.0.0.1:9/v1", null, null));
        anthropic = new Replay(FIXTURES + "anthropic-messages-text.sse", ANTHROPIC_EVENTS,
                transport -> AnthropicProvider.create(transport, "http://127.0.0.1:9/v1", null, "m"));
    }

    @TearDown
    public void tearDown() {
        openAi.body.release();
        anthropic.body.release();
    }

    @Benchmark
    @OperationsPerInvocation(OPENAI_EVENTS)
    public int openAi() {
        return openAi.run();
    }

    @Benchmark
    @OperationsPerInvocation(ANTHROPIC_EVENTS)
    public int anthropic() {
        return anthropic.run();
    }

    /** One recorded body, framed and parsed in full by each {@link #run()}. */
    static final class Replay implements UpstreamTransport {
        final ByteBuf body;
        private final LlmProvider provider;
        private final CountingSink sink = new CountingSink();
        private int events;

        Replay(String fixture, int expectedEvents, Function<UpstreamTransport, LlmProvider> provider) throws IOException {
            byte[] bytes = Files.readAllBytes(Path.of(System.getProperty("streamgate.fixtures", ".")).resolve(fixture));
            body = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
            this.provider = provider.apply(this);
            if (run() != expectedEvents || !sink.completed || sink.deltas == 0) {
                throw new IllegalStateException(fixture + ": " + events + " events, " + sink.deltas
                        + " deltas, completed " + sink.completed + "; expected " + expectedEvents + " events");
            }
        }

        int run() {
            sink.reset();
            events = 0;
            body.readerIndex(0);
            provider.stream(REQUEST, sink);
            return events;
        }

        /** Frames and parses the whole body here, on the caller's thread, as the event loop does for a read. */
        @Override
        public UpstreamCall start(
                StreamingPost post, TokenSink target, Function<? super TokenSink, ? extends StreamParser> parsers) {
            GuardedSink guarded = new GuardedSink(target);
            StreamParser parser = parsers.apply(guarded);
            SseFramer framer = new SseFramer(1 << 20);
            boolean[] more = {true};
            while (more[0] && framer.next(body, event -> {
                events++;
                more[0] = StreamParser.deliver(parser, guarded, event, error -> {
                    throw new UncheckedIOException(new IOException(error.toString()));
                });
            }) == SseFramer.Result.DISPATCHED) {
                // one event per step, as the transport frames them
            }
            return () -> {};
        }
    }
}
