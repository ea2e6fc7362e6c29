package io.streamgate.llm.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.TokenRing;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.openai.OpenAiProvider;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the Netty transport does: its loop, its pool, its backpressure and its caps. */
class NettyTransportTest {

    static final String TEXT = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}\n\n";
    static final String DONE = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    /** A provider that sends one text event and the end marker, then ends its body. */
    private static final NettySseServer.Script WHOLE_ANSWER = (ctx, n) -> {
        NettySseServer.head(ctx);
        NettySseServer.chunk(ctx, TEXT + DONE);
        NettySseServer.end(ctx);
    };
    static final ChatRequest HELLO = new ChatRequest(null, List.of(ChatMessage.user("hello")), null, null);

    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Semaphore idle = new Semaphore(0);
    private NettyTransport transport = transport(NettyTransport.Settings.defaults());

    private NettyTransport transport(NettyTransport.Settings settings) {
        return NettyTransport.create(loops, NioSocketChannel.class, NioDatagramChannel.class, settings, idle::release);
    }

    @AfterEach
    void stop() {
        transport.close();
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void awaitIdle() throws InterruptedException {
        assertTrue(idle.tryAcquire(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS), "calls did not finish");
    }

    private RecordingSink streamToEnd(String baseUrl) throws InterruptedException {
        RecordingSink sink = new RecordingSink();
        OpenAiProvider.create(transport, baseUrl, null, "m").stream(HELLO, sink);
        sink.awaitTerminal();
        awaitIdle();
        sink.assertSingleTerminalLast();
        return sink;
    }

    @Test
    void aConnectionGoesBackToThePoolAfterTheEnd() throws Exception {
        try (NettySseServer server = new NettySseServer(WHOLE_ANSWER)) {
            // Both from one loop, so both use its pool.
            EventLoop loop = loops.next();
            for (int i = 0; i < 2; i++) {
                RecordingSink sink = new RecordingSink();
                loop.execute(() -> OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, sink));
                assertInstanceOf(UpstreamEvent.Completed.class, sink.awaitTerminal());
                awaitIdle();
            }
            assertEquals(1, server.connections.get());
        }
    }

    @Test
    void onItsOwnLoopAStreamTakesAPooledConnectionBeforeStartReturns() throws Exception {
        try (NettySseServer server = new NettySseServer(WHOLE_ANSWER)) {
            EventLoop loop = loops.next();
            RecordingSink first = new RecordingSink();
            loop.execute(() -> OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, first));
            assertInstanceOf(UpstreamEvent.Completed.class, first.awaitTerminal());
            awaitIdle();
            Origin origin = Origin.of(okhttp3.HttpUrl.get(server.baseUrl()));
            RecordingSink second = new RecordingSink();

            // Read in the same task as the call: a request still queued behind the loop's other work would leave
            // the connection idle here.
            int idleAfterStart = loop.submit(() -> {
                OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, second);
                return transport.pool(loop).idleConnections(origin);
            }).get(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS);

            assertEquals(0, idleAfterStart);
            assertInstanceOf(UpstreamEvent.Completed.class, second.awaitTerminal());
            awaitIdle();
            assertEquals(1, server.connections.get());
        }
    }

    @Test
    void aCallStartedOffTheLoopsIsReadOnTheLoopItsSinkNamesAsHome() throws Exception {
        try (NettySseServer server = new NettySseServer(WHOLE_ANSWER)) {
            EventLoop home = loops.next();
            // Started from the test's thread, as a store thread or a retry's timer starts one. Four calls with one
            // home: the group's next loop, what such a caller got before, cannot be that home every time.
            for (int i = 0; i < 4; i++) {
                HomeSink sink = new HomeSink(home);
                OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, sink);
                assertInstanceOf(UpstreamEvent.Completed.class, sink.events.awaitTerminal());
                awaitIdle();
                sink.events.assertSingleTerminalLast();
                assertEquals(0, sink.elsewhere.get(), "call " + i + ": events published off the home loop");
            }
            assertEquals(1, server.connections.get(), "every call used the home loop's pooled connection");
        }
    }

    @Test
    void aHomeThatIsNotOneOfTheTransportsLoopsIsIgnored() throws Exception {
        EventLoopGroup other = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (NettySseServer server = new NettySseServer(WHOLE_ANSWER)) {
            HomeSink sink = new HomeSink(other.next());
            OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, sink);
            assertInstanceOf(UpstreamEvent.Completed.class, sink.events.awaitTerminal());
            awaitIdle();
            assertEquals(sink.events.events().size(), sink.elsewhere.get(), "read on one of the transport's own loops");
        } finally {
            other.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A consumer that lives on {@code home}: counts the events published on any other thread. */
    private static final class HomeSink extends io.streamgate.llm.ForwardingTokenSink {
        final RecordingSink events = new RecordingSink();
        final AtomicInteger elsewhere = new AtomicInteger();
        private final EventLoop home;

        HomeSink(EventLoop home) {
            this.home = home;
        }

        @Override
        protected io.streamgate.llm.TokenSink delegate() {
            return events;
        }

        @Override
        public boolean publish(UpstreamEvent event) {
            if (!home.inEventLoop()) {
                elsewhere.incrementAndGet();
            }
            return events.publish(event);
        }

        @Override
        public java.util.concurrent.Executor home() {
            return home;
        }
    }

    @Test
    void onItsOwnLoopAStreamThatFailsAtOncePublishesOnlyAfterStartReturns() throws Exception {
        // A cap of zero idle connections and one open: the second stream is refused without any I/O.
        transport = transport(NettyTransport.Settings.defaults().withPool(1, 0, Duration.ofMinutes(5)));
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, TEXT); // and stalls
        })) {
            EventLoop loop = loops.next();
            RecordingSink first = new RecordingSink();
            AtomicReference<UpstreamCall> firstCall = new AtomicReference<>();
            loop.execute(() -> firstCall.set(
                    OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, first)));
            first.awaitEvents(1);
            RecordingSink second = new RecordingSink();
            java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean publishedBeforeReturn = new java.util.concurrent.atomic.AtomicBoolean();

            loop.execute(() -> {
                OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, event -> {
                    publishedBeforeReturn.compareAndSet(false, !returned.get());
                    return second.publish(event);
                });
                returned.set(true);
            });

            assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, second.awaitFailure().code());
            assertFalse(publishedBeforeReturn.get(), "an event reached the sink before start returned");
            second.assertSingleTerminalLast();
            firstCall.get().cancel();
        }
    }

    @Test
    void aConnectionWhoseStreamEndedWhilePausedServesTheNextStream() throws Exception {
        // The body's end is sent only once the reader has paused, so it is still unread when the end marker is
        // framed: the reader must read it then, whatever the consumer's pace, or the connection is lost.
        var streams = new java.util.concurrent.LinkedBlockingQueue<ChannelHandlerContext>();
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, TEXT.repeat(8) + DONE);
            streams.add(ctx);
        })) {
            EventLoop loop = loops.next();
            for (int i = 0; i < 2; i++) {
                Semaphore wake = new Semaphore(0);
                TokenRing ring = new TokenRing(2, wake::release); // paused after every event
                loop.execute(() -> OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, ring));
                ChannelHandlerContext stream = streams.poll(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS);
                assertTrue(wake.tryAcquire(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS), "stream " + i + " stalled");
                stream.executor().submit(() -> NettySseServer.end(stream)).sync();
                int text = 0;
                UpstreamEvent last = null;
                boolean first = true;
                while (!(last instanceof UpstreamEvent.Completed)) {
                    if (!first) {
                        assertTrue(wake.tryAcquire(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS), "stream " + i + " stalled");
                    }
                    first = false;
                    ring.beginDrain();
                    for (UpstreamEvent event; (event = ring.poll()) != null; last = event) {
                        text += event instanceof UpstreamEvent.TextDelta ? 1 : 0;
                    }
                }
                assertEquals(8, text);
                awaitIdle();
            }
            assertEquals(1, server.connections.get());
        }
    }

    @Test
    void everyPublishIsInsideAReadBatchThatEndsOnTheLoop() throws Exception {
        // Events in several writes, so that the stream takes more than one read.
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, TEXT);
            NettySseServer.chunk(ctx, TEXT + TEXT);
            NettySseServer.chunk(ctx, DONE);
            NettySseServer.end(ctx);
        })) {
            Batches sink = new Batches();
            EventLoop loop = loops.next();
            loop.execute(() -> OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, sink));
            sink.events.awaitTerminal();
            awaitIdle();

            sink.events.assertSingleTerminalLast();
            assertEquals("xxx", sink.events.text());
            assertEquals(0, sink.outside.get(), "publishes outside a batch");
            assertTrue(sink.ended.get() >= 1, "a batch ended");
            assertFalse(sink.open, "the last batch ended, also though the call finished in it");
            assertEquals(0, sink.offLoop.get(), "calls off the loop");
        }
    }

    /** Records how a producer brackets its publishes with batches. */
    private final class Batches implements io.streamgate.llm.TokenSink {
        final RecordingSink events = new RecordingSink();
        final AtomicInteger outside = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final AtomicInteger offLoop = new AtomicInteger();
        volatile boolean open;

        private void onLoop() {
            boolean inLoop = false;
            for (var executor : loops) {
                inLoop |= executor.inEventLoop();
            }
            if (!inLoop) {
                offLoop.incrementAndGet();
            }
        }

        @Override
        public void batchStarted() {
            onLoop();
            assertFalse(open, "a batch started twice");
            open = true;
        }

        @Override
        public boolean publish(UpstreamEvent event) {
            onLoop();
            if (!open) {
                outside.incrementAndGet();
            }
            return events.publish(event);
        }

        @Override
        public void batchEnded() {
            onLoop();
            assertTrue(open, "a batch ended that never started");
            open = false;
            ended.incrementAndGet();
        }
    }

    /** A parser whose every event fans out into three, more than a ring of two has room for. */
    private static final class FanOut implements io.streamgate.llm.StreamParser {
        private final io.streamgate.llm.TokenSink sink;
        private boolean end;

        FanOut(io.streamgate.llm.TokenSink sink) {
            this.sink = sink;
        }

        @Override
        public boolean onEvent(io.streamgate.llm.SseEvent event) {
            String data = event.dataText();
            if (data.equals("[DONE]")) {
                end = true;
                sink.publish(new UpstreamEvent.TextDelta("last1"));
                sink.publish(new UpstreamEvent.TextDelta("last2"));
                sink.publish(new UpstreamEvent.Completed("stop", io.streamgate.llm.Usage.NONE)); // the third: waits
                return false;
            }
            return sink.publish(new UpstreamEvent.TextDelta(data + "1")) && sink.publish(new UpstreamEvent.TextDelta(data + "2"))
                    && sink.publish(new UpstreamEvent.TextDelta(data + "3"));
        }

        @Override
        public boolean reachedEnd() {
            return end;
        }

        @Override
        public String endMarker() {
            return "[DONE]";
        }
    }

    @Test
    void whatOneEventPublishesBeyondAFullRingArrivesInOrderTerminalIncluded() throws Exception {
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, "data: a\n\ndata: b\n\ndata: [DONE]\n\n");
            NettySseServer.end(ctx);
        })) {
            // Drained on the stream's own loop, as the gateway does: a drain never splits one event's publishes.
            EventLoop loop = loops.next();
            List<UpstreamEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch ended = new CountDownLatch(1);
            TokenRing[] ring = new TokenRing[1];
            ring[0] = new TokenRing(2, () -> loop.execute(() -> {
                ring[0].beginDrain();
                for (UpstreamEvent event; (event = ring[0].poll()) != null; ) {
                    events.add(event);
                    if (event.isTerminal()) {
                        ended.countDown();
                    }
                }
            }));
            io.streamgate.llm.StreamingPost post = new io.streamgate.llm.StreamingPost(
                    okhttp3.HttpUrl.get(server.baseUrl() + "/x"), "application/json", new byte[0], java.util.Map.of());
            loop.execute(() -> transport.start(post, ring[0], FanOut::new));

            assertTrue(ended.await(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS), "no terminal event after " + events);
            assertEquals(List.of(new UpstreamEvent.TextDelta("a1"), new UpstreamEvent.TextDelta("a2"),
                    new UpstreamEvent.TextDelta("a3"), new UpstreamEvent.TextDelta("b1"), new UpstreamEvent.TextDelta("b2"),
                    new UpstreamEvent.TextDelta("b3"), new UpstreamEvent.TextDelta("last1"), new UpstreamEvent.TextDelta("last2"),
                    new UpstreamEvent.Completed("stop", io.streamgate.llm.Usage.NONE)), events);
        }
    }

    @Test
    void theRequestBodyIsNotKeptWhileTheStreamRuns() throws Exception {
        // A follow-up's body carries its whole history; a held stream must not keep that copy for its lifetime.
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, "data: a\n\n"); // and nothing more: the stream stays open
        })) {
            RecordingSink sink = new RecordingSink();
            ReferenceQueue<byte[]> collected = new ReferenceQueue<>();
            UpstreamCall call = startWithBodyWatched(server.baseUrl(), sink, collected);
            sink.awaitEvents(1); // the request went out and its answer is streaming

            boolean freed = false;
            for (int i = 0; i < 50 && !freed; i++) {
                System.gc();
                freed = collected.remove(100) != null;
            }
            call.cancel();
            awaitIdle();
            assertTrue(freed, "the request body is still reachable while the stream runs");
        }
    }

    /** Starts a stream whose body only a weak reference (enqueued on {@code collected}) keeps track of. */
    private UpstreamCall startWithBodyWatched(String baseUrl, RecordingSink sink, ReferenceQueue<byte[]> collected) {
        byte[] body = "{\"history\":\"long\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        watched = new WeakReference<>(body, collected);
        io.streamgate.llm.StreamingPost post = new io.streamgate.llm.StreamingPost(
                okhttp3.HttpUrl.get(baseUrl + "/x"), "application/json", body, java.util.Map.of());
        return transport.start(post, sink, FanOut::new);
    }

    private WeakReference<byte[]> watched; // held here so the reference itself stays reachable

    @Test
    void aProviderSilentAfterTheHeadTimesOutAsSilent() throws Exception {
        transport = transport(NettyTransport.Settings.defaults().withTimeouts(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofMillis(200)));
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, TEXT); // then nothing
        })) {
            RecordingSink sink = streamToEnd(server.baseUrl());

            UpstreamError error = sink.awaitFailure();
            assertEquals(ErrorCode.UPSTREAM_TIMEOUT, error.code());
            assertEquals("upstream went silent longer than the read timeout", error.message());
            assertEquals("x", sink.text());
            assertTrue(server.accepted.getFirst().closeFuture().await(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void theFirstEventMayComeAfterTheResponseTimeoutHasPassedWhenItsOwnLimitIsLonger() throws Exception {
        // The timer armed for the head (1 s) is kept when the head arrives, since the first event's limit (4 s) ends
        // later: when it fires it must wait out the rest, not time the stream out.
        transport = transport(NettyTransport.Settings.defaults().withTimeouts(
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(4)));
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            ctx.flush();
            ctx.executor().schedule(() -> {
                NettySseServer.chunk(ctx, TEXT + DONE);
                NettySseServer.end(ctx);
            }, 1500, TimeUnit.MILLISECONDS);
        })) {
            RecordingSink sink = streamToEnd(server.baseUrl());

            assertInstanceOf(UpstreamEvent.Completed.class, sink.awaitTerminal());
            assertEquals("x", sink.text());
        }
    }

    @Test
    void anyBytesFromTheProviderKeepTheIdleWatchdogQuiet() throws Exception {
        // Pings (comments, no events) for three idle periods, then the answer.
        transport = transport(NettyTransport.Settings.defaults().withTimeouts(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(600), Duration.ofMillis(600)));
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, TEXT);
            AtomicInteger pings = new AtomicInteger();
            ctx.executor().scheduleAtFixedRate(() -> {
                if (pings.incrementAndGet() <= 18) {
                    NettySseServer.chunk(ctx, ": ping\n");
                } else if (pings.get() == 19) {
                    NettySseServer.chunk(ctx, DONE);
                    NettySseServer.end(ctx);
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
        })) {
            RecordingSink sink = streamToEnd(server.baseUrl());

            assertInstanceOf(UpstreamEvent.Completed.class, sink.awaitTerminal());
            assertEquals("x", sink.text());
        }
    }

    @Test
    void overTheCapPerOriginAStreamFailsAtOnceAsUnavailable() throws Exception {
        transport = transport(NettyTransport.Settings.defaults().withPool(1, 1, Duration.ofMinutes(5)));
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, TEXT); // and stalls
        })) {
            EventLoop loop = loops.next();
            RecordingSink first = new RecordingSink();
            RecordingSink second = new RecordingSink();
            AtomicReference<UpstreamCall> call = new AtomicReference<>();
            loop.execute(() -> call.set(OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, first)));
            first.awaitEvents(1);
            loop.execute(() -> OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, second));

            UpstreamError error = second.awaitFailure();
            assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, error.code());
            assertTrue(error.retryable());
            assertEquals("upstream connection cap reached (1 per event loop and origin)", error.message());
            assertEquals(1, server.connections.get());
            call.get().cancel();
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterItsKeepAlive() throws Exception {
        transport = transport(NettyTransport.Settings.defaults().withPool(4, 4, Duration.ofMillis(100)));
        try (NettySseServer server = new NettySseServer(WHOLE_ANSWER)) {
            assertInstanceOf(UpstreamEvent.Completed.class, streamToEnd(server.baseUrl()).awaitTerminal());

            assertTrue(server.accepted.getFirst().closeFuture().await(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void withNoIdleRoomAFinishedConnectionIsClosed() throws Exception {
        transport = transport(NettyTransport.Settings.defaults().withPool(4, 0, Duration.ofMinutes(5)));
        try (NettySseServer server = new NettySseServer(WHOLE_ANSWER)) {
            assertInstanceOf(UpstreamEvent.Completed.class, streamToEnd(server.baseUrl()).awaitTerminal());

            assertTrue(server.accepted.getFirst().closeFuture().await(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBodyThatDoesNotEndAfterTheMarkerIsClosedNotReused() throws Exception {
        transport = transport(NettyTransport.Settings.defaults().withEndGrace(Duration.ofMillis(50)));
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, TEXT + DONE); // and the body never ends
        })) {
            assertInstanceOf(UpstreamEvent.Completed.class, streamToEnd(server.baseUrl()).awaitTerminal());
            server.accepted.getFirst().closeFuture().await(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS);
            assertFalse(server.accepted.getFirst().isOpen());

            streamToEnd(server.baseUrl());
            assertEquals(2, server.connections.get());
        }
    }

    @Test
    void cancelClosesTheConnectionAtOnce() throws Exception {
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, TEXT); // and nothing more
        })) {
            RecordingSink sink = new RecordingSink();
            UpstreamCall call = OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, sink);
            sink.awaitEvents(1);

            call.cancel();

            assertTrue(server.accepted.getFirst().closeFuture().await(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
            awaitIdle();
            assertEquals(List.of(new UpstreamEvent.TextDelta("x")), sink.events());
        }
    }

    @Test
    void anEventOverTheCapEndsTheStreamWithUpstreamError() throws Exception {
        transport = transport(NettyTransport.Settings.defaults().withMaxEventBytes(256));
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            NettySseServer.head(ctx);
            NettySseServer.chunk(ctx, TEXT + "data: " + "y".repeat(300) + "\n\n" + DONE);
        })) {
            RecordingSink sink = streamToEnd(server.baseUrl());

            UpstreamError error = sink.awaitFailure();
            assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
            assertEquals("upstream sent an event over 256 bytes", error.message());
            assertEquals("x", sink.text());
            assertTrue(server.accepted.getFirst().closeFuture().await(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void theStreamIsReadOnTheCallersLoop() throws Exception {
        try (NettySseServer server = new NettySseServer(WHOLE_ANSWER)) {
            for (EventLoop loop : List.of((EventLoop) loops.next(), (EventLoop) loops.next())) {
                AtomicReference<Thread> caller = new AtomicReference<>();
                AtomicReference<Thread> publisher = new AtomicReference<>();
                CountDownLatch done = new CountDownLatch(1);
                loop.execute(() -> {
                    caller.set(Thread.currentThread());
                    OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, event -> {
                        publisher.set(Thread.currentThread());
                        if (event.isTerminal()) {
                            done.countDown();
                        }
                        return true;
                    });
                });
                assertTrue(done.await(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS));
                assertEquals(caller.get(), publisher.get());
            }
        }
    }

    @Test
    void aConsumerThatFallsBehindStopsTheReadsAndTheProviderFeelsIt() throws Exception {
        // Far more than the socket buffers hold while nobody reads (the kernel grows a receive buffer only for a
        // reader that keeps up): the provider can only finish writing it if the client reads on although its
        // consumer does not.
        int total = (4 << 20) / TEXT.length();
        AtomicInteger written = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicReference<io.netty.channel.ChannelHandlerContext> stream = new AtomicReference<>();
        Runnable writeWhileWritable = () -> {
            io.netty.channel.ChannelHandlerContext ctx = stream.get();
            String batch = TEXT.repeat(32);
            while (ctx.channel().isWritable() && written.get() < total) {
                NettySseServer.chunk(ctx, batch);
                if (written.addAndGet(32) >= total) {
                    NettySseServer.chunk(ctx, DONE);
                    NettySseServer.end(ctx);
                    finished.countDown();
                }
            }
        };
        try (NettySseServer server = new NettySseServer((ctx, n) -> {
            stream.set(ctx);
            NettySseServer.head(ctx);
            writeWhileWritable.run();
        })) {
            server.onWritable = writeWhileWritable;
            Semaphore wake = new Semaphore(0);
            TokenRing ring = new TokenRing(1024, wake::release);
            OpenAiProvider.create(transport, server.baseUrl(), null, "m").stream(HELLO, ring);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RecordingSink.GUARD_SECONDS);
            while (!ring.aboveMark() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(ring.aboveMark());
            // Nobody drains, so the provider cannot finish: a client that kept reading would let it.
            assertFalse(finished.await(500, TimeUnit.MILLISECONDS), "the client kept reading");

            int text = 0;
            UpstreamEvent last = null;
            while (!(last instanceof UpstreamEvent.Completed)) { // the ring's consumer protocol, as the gateway drains
                ring.beginDrain();
                for (UpstreamEvent event; (event = ring.poll()) != null; last = event) {
                    assertFalse(event instanceof UpstreamEvent.Failed, event.toString());
                    if (event instanceof UpstreamEvent.TextDelta) {
                        text++;
                    }
                }
                if (!(last instanceof UpstreamEvent.Completed)) {
                    assertTrue(wake.tryAcquire(RecordingSink.GUARD_SECONDS, TimeUnit.SECONDS), "stream stalled");
                }
            }
            assertInstanceOf(UpstreamEvent.Completed.class, last);
            assertEquals(0, finished.getCount(), "draining freed the provider");
            assertEquals(written.get(), text, "every event arrives once, in order");
        }
    }
}
