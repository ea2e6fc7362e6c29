package io.streamgate.gateway.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ScriptOutputType;
import io.streamgate.gateway.config.ConfigException;
import io.streamgate.gateway.config.GatewayConfig;
import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.RedisProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SharedRedisTest {

    private RedisProcess server;

    @BeforeEach
    void startRedis() {
        server = RedisProcess.start();
    }

    @AfterEach
    void stopRedis() {
        server.close();
    }

    /**
     * A timeout a loaded machine's first connection in a fresh JVM can meet: at 200 ms, Lettuce's handshake there timed
     * out, the node started degraded, and the first test to run failed.
     */
    private static GatewayConfig.RedisSettings settings(String url) {
        return new GatewayConfig.RedisSettings(url, false, Duration.ofSeconds(1), "node-a");
    }

    @Test
    void runsCommandsOnceConnected() throws Exception {
        try (SharedRedis redis = SharedRedis.connect(settings(server.url()))) {
            assertTrue(redis.health().isUp());
            redis.call(c -> c.set("k", "v".getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
            byte[] read = redis.<byte[]>call(c -> c.get("k")).get(5, TimeUnit.SECONDS);
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), read);
        }
    }

    @Test
    void goesDownWhenRedisStopsAndComesBackByItself() throws Exception {
        try (SharedRedis redis = SharedRedis.connect(settings(server.url()))) {
            List<RedisHealth.State> transitions = new CopyOnWriteArrayList<>();
            redis.health().onTransition(transitions::add);

            server.stop();
            Await.until("redis marked down", () -> !redis.health().isUp());
            // While down, a command fails at once instead of waiting for the timeout.
            var refused = redis.call(c -> c.get("k"));
            var failure = assertThrows(Exception.class, () -> refused.get(5, TimeUnit.SECONDS));
            assertInstanceOf(RedisUnavailableException.class, failure.getCause());
            assertEquals(RedisHealth.State.DOWN, redis.health().view().state());
            assertTrue(redis.health().view().reason() != null && !redis.health().view().reason().isBlank());

            server.startAgain();
            Await.until("redis marked up again", () -> redis.health().isUp());
            redis.call(c -> c.set("k", new byte[] {1})).get(5, TimeUnit.SECONDS);
            assertEquals(List.of(RedisHealth.State.DOWN, RedisHealth.State.UP), transitions,
                    "one transition each way, however many commands and probes failed");
        }
    }

    @Test
    void startsDegradedWhenRedisIsUnreachableAndConnectsLater() throws Exception {
        server.stop();
        try (SharedRedis redis = SharedRedis.connect(settings(server.url()))) {
            assertEquals(RedisHealth.State.DOWN, redis.health().view().state());
            server.startAgain();
            Await.until("connected once redis is there", () -> redis.health().isUp());
            assertEquals("PONG", redis.<String>call(c -> c.ping()).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void anErrorReplyDoesNotMarkRedisDown() throws Exception {
        try (SharedRedis redis = SharedRedis.connect(settings(server.url()))) {
            redis.call(c -> c.set("text", new byte[] {1})).get(5, TimeUnit.SECONDS);
            var wrongType = redis.call(c -> c.lpush("text", new byte[] {2}));
            assertThrows(Exception.class, () -> wrongType.get(5, TimeUnit.SECONDS));
            assertTrue(redis.health().isUp());
        }
    }

    @Test
    void runsAScriptByItsShaAndLoadsItWhenRedisDoesNotHaveIt() throws Exception {
        RedisScript incr = new RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])", ScriptOutputType.INTEGER);
        try (SharedRedis redis = SharedRedis.connect(settings(server.url()))) {
            assertEquals(2L, incr.<Long>run(redis, new String[] {"n"}, "2".getBytes(StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS));
            redis.call(c -> c.scriptFlush()).get(5, TimeUnit.SECONDS); // as after a restart
            assertEquals(5L, incr.<Long>run(redis, new String[] {"n"}, "3".getBytes(StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aMalformedUrlStopsTheStartNamingTheSettingButNotThePassword() {
        var e = assertThrows(ConfigException.class,
                () -> SharedRedis.connect(settings("redis://:s3cret@[not a host")));
        assertTrue(e.getMessage().startsWith("STREAMGATE_REDIS_URL"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void aFailedCommandsReasonIsOneLine() {
        String reason = RedisHealth.reason(new CompletionException(new IllegalStateException("a\nb\rc")));
        assertEquals("IllegalStateException: a b c", reason);
    }
}
