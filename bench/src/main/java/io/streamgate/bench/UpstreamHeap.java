package io.streamgate.bench;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamClients;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamTrust;
import io.streamgate.llm.openai.OpenAiProvider;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;

/**
 * The live heap the upstream client alone holds per open stream: streams opened with llm-client's OpenAI provider
 * and the gateway's client settings, each held open until its first text has arrived, and the heap compared after
 * a full GC before and after. It tells how much of the gateway's memory per stream is the provider side, and what
 * TLS and HTTP/2 change there (the load harness's simulator speaks plain HTTP/1.1).
 *
 * <p>Usage: {@code UpstreamHeap UPSTREAM_URL STREAMS [--http2] [--trust CA.pem]}, against an upstream that keeps
 * streams open, such as {@code SimulatorMain} with hold pacing, or {@link TlsFront} terminating TLS in front of it
 * (see bench/README.md).
 */
public final class UpstreamHeap {

    private static final int WARMUP_STREAMS = 100;

    private UpstreamHeap() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: UpstreamHeap UPSTREAM_URL STREAMS [--http2] [--trust CA.pem]");
            System.exit(2);
        }
        int streams = Integer.parseInt(args[1]);
        boolean http2 = false;
        Path trust = null;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--http2" -> http2 = true;
                case "--trust" -> trust = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        // The gateway's own trust for STREAMGATE_UPSTREAM_CA_FILE: the system's CAs plus the file's
        OkHttpClient client = UpstreamClients.create(UpstreamClients.Settings.defaults().withHttp2(http2),
                trust != null ? UpstreamTrust.systemPlus(trust) : UpstreamTrust.system());
        OpenAiProvider provider = OpenAiProvider.create(client, args[0], null, "bench");

        hold(provider, WARMUP_STREAMS).forEach(UpstreamCall::cancel);
        long before = liveHeapBytes();
        List<UpstreamCall> open = hold(provider, streams);
        long after = liveHeapBytes();
        System.out.printf("%s%s: %d streams open, live heap %.1f KB per stream%n", args[0],
                http2 ? " (HTTP/2 offered)" : "", streams, (after - before) / 1024.0 / streams);
        open.forEach(UpstreamCall::cancel);
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** Opens {@code streams} calls and returns once each has had its first text (or failed, which aborts). */
    private static List<UpstreamCall> hold(OpenAiProvider provider, int streams) throws InterruptedException {
        ChatRequest request = new ChatRequest(null, List.of(ChatMessage.user("tell me a story")), null, null);
        CountDownLatch firstText = new CountDownLatch(streams);
        AtomicBoolean failed = new AtomicBoolean();
        List<UpstreamCall> calls = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            AtomicBoolean counted = new AtomicBoolean();
            calls.add(provider.stream(request, event -> {
                if (event instanceof UpstreamEvent.Failed) {
                    failed.set(true);
                }
                if (event instanceof UpstreamEvent.Failed || event instanceof UpstreamEvent.TextDelta) {
                    if (counted.compareAndSet(false, true)) {
                        firstText.countDown();
                    }
                }
                return true;
            }));
        }
        if (!firstText.await(2, TimeUnit.MINUTES) || failed.get()) {
            throw new IllegalStateException("streams failed or did not start; is the upstream holding them open?");
        }
        return calls;
    }

    private static long liveHeapBytes() {
        System.gc(); // G1: a full collection, so only reachable objects remain
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
