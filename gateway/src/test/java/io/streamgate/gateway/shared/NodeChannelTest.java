package io.streamgate.gateway.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.RedisProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Questions between nodes over a real Redis. */
class NodeChannelTest {

    /** Long enough that a question finishing early is told apart from one that waited it out. */
    private static final Duration LONG_WAIT = Duration.ofSeconds(60);

    private final RedisProcess server = RedisProcess.start();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        timer.shutdownNow();
        server.close();
    }

    private SharedRedis redis(String node) {
        SharedRedis redis = SharedRedis.connect(
                new GatewayConfig.RedisSettings(server.url(), false, Duration.ofSeconds(1), node)); // a loaded machine
        open.add(redis);
        return redis;
    }

    private NodeChannel channel(SharedRedis redis, NodeChannel.Answerer answerer, int maxPending, Duration wait) {
        NodeChannel channel = new NodeChannel(redis, "test", answerer, maxPending, wait);
        open.add(channel);
        return channel.start();
    }

    private static NodeChannel.Answerer always(String answer, List<String> heard) {
        return body -> {
            heard.add(body);
            return CompletableFuture.completedFuture(answer);
        };
    }

    /** Waits until these nodes listen on the test topic: PUBLISH counts them (the message is ignored). */
    private void awaitSubscribed(NodeChannel... nodes) {
        Await.until(nodes.length + " nodes subscribed", () -> java.util.Arrays.stream(nodes).allMatch(NodeChannel::ready)
                && server.command("PUBLISH sg:test ping").equals(":" + nodes.length));
    }

    @Test
    void everyNodeAnswersAndTheQuestionEndsOnceAllHave() throws Exception {
        List<String> heardA = new CopyOnWriteArrayList<>();
        List<String> heardB = new CopyOnWriteArrayList<>();
        NodeChannel a = channel(redis("node-a"), always("unknown", heardA), 8, LONG_WAIT);
        NodeChannel b = channel(redis("node-b"), always("not_streaming", heardB), 8, LONG_WAIT);
        awaitSubscribed(a, b);

        List<String> answers = a.ask("body.1", "stopped"::equals, timer).get(30, TimeUnit.SECONDS);

        assertEquals(List.of("not_streaming", "unknown"), answers.stream().sorted().toList(),
                "both nodes, the asker too, answered; and it did not wait out the minute");
        assertEquals(List.of("body.1"), heardA);
        assertEquals(List.of("body.1"), heardB);
        assertEquals(0, a.pendingCount());
    }

    @Test
    void aDecisiveAnswerEndsTheQuestionWithoutWaitingForTheRest() throws Exception {
        NodeChannel a = channel(redis("node-a"), body -> new CompletableFuture<>(), 8, LONG_WAIT); // never answers
        NodeChannel b = channel(redis("node-b"), always("stopped", new CopyOnWriteArrayList<>()), 8, LONG_WAIT);
        awaitSubscribed(a, b);

        assertEquals(List.of("stopped"), a.ask("b", "stopped"::equals, timer).get(30, TimeUnit.SECONDS));
    }

    @Test
    void withoutEveryAnswerTheQuestionEndsAtItsDeadlineWithWhatCame() throws Exception {
        NodeChannel a = channel(redis("node-a"), always("unknown", new CopyOnWriteArrayList<>()), 8,
                Duration.ofSeconds(5));
        NodeChannel b = channel(redis("node-b"), body -> null, 8, LONG_WAIT); // answers nothing
        awaitSubscribed(a, b);

        assertEquals(List.of("unknown"), a.ask("b", "stopped"::equals, timer).get(30, TimeUnit.SECONDS));
        assertEquals(0, a.pendingCount());
    }

    @Test
    void hostileMessagesAreIgnoredAndTheChannelGoesOn() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        SharedRedis redisA = redis("node-a");
        NodeChannel a = channel(redisA, always("unknown", heard), 8, LONG_WAIT);
        awaitSubscribed(a);
        byte[][] hostile = {
            new byte[0],
            "0123456789abcdef node-b".getBytes(StandardCharsets.US_ASCII),
            "0123456789abcdef node-b bo\ndy".getBytes(StandardCharsets.US_ASCII),
            "0123456789abcdef ../x body".getBytes(StandardCharsets.US_ASCII),
            ("0123456789abcdef node-b " + "b".repeat(2000)).getBytes(StandardCharsets.US_ASCII),
            {(byte) 0xff, (byte) 0xfe, 0, 1},
        };
        for (byte[] message : hostile) {
            redisA.call(c -> c.publish("sg:test", message)).get(5, TimeUnit.SECONDS);
            redisA.call(c -> c.publish("sg:test:node-a", message)).get(5, TimeUnit.SECONDS);
        }
        // A forged reply to a question nobody asked is dropped too.
        redisA.call(c -> c.publish("sg:test:node-a", "0123456789abcdef stopped".getBytes(StandardCharsets.US_ASCII)))
                .get(5, TimeUnit.SECONDS);

        assertEquals(List.of("unknown"), a.ask("real", "stopped"::equals, timer).get(30, TimeUnit.SECONDS));
        assertEquals(List.of("real"), heard, "only the well-formed request reached the answerer");
    }

    @Test
    void questionsAwaitingAnswersAreBounded() throws Exception {
        NodeChannel a = channel(redis("node-a"), body -> new CompletableFuture<>(), 2, LONG_WAIT);
        awaitSubscribed(a);
        var first = a.ask("one", "stopped"::equals, timer);
        var second = a.ask("two", "stopped"::equals, timer);
        var third = a.ask("three", "stopped"::equals, timer);

        var refused = assertThrows(ExecutionException.class, () -> third.get(5, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, refused.getCause());
        assertFalse(first.isDone() || second.isDone(), "those in the bound still wait");
        a.close();
        assertEquals(List.of(), first.get(5, TimeUnit.SECONDS), "closing ends what waits");
    }

    @Test
    void whileRedisIsDownAQuestionFailsAtOnceAndWorksAgainWhenItIsBack() throws Exception {
        SharedRedis redisA = redis("node-a");
        NodeChannel a = channel(redisA, always("unknown", new CopyOnWriteArrayList<>()), 8, LONG_WAIT);
        awaitSubscribed(a);
        server.stop();
        Await.until("redis marked down", () -> !redisA.health().isUp());

        var refused = assertThrows(ExecutionException.class,
                () -> a.ask("b", "stopped"::equals, timer).get(5, TimeUnit.SECONDS));
        assertInstanceOf(RedisUnavailableException.class, refused.getCause());

        server.startAgain();
        awaitSubscribed(a);
        assertEquals(List.of("unknown"), a.ask("b", "stopped"::equals, timer).get(30, TimeUnit.SECONDS));
    }

    @Test
    void aNodeThatStartedWithoutRedisSubscribesOnceRedisIsUp() throws Exception {
        server.stop();
        SharedRedis redisA = redis("node-a");
        NodeChannel a = channel(redisA, always("unknown", new CopyOnWriteArrayList<>()), 8, LONG_WAIT);
        assertFalse(a.ready());

        server.startAgain();
        Await.until("subscribed", () -> redisA.health().isUp() && a.ready());
        assertTrue(server.command("PUBLISH sg:test ping").equals(":1"));
        assertEquals(List.of("unknown"), a.ask("b", "stopped"::equals, timer).get(30, TimeUnit.SECONDS));
    }
}
