package io.streamgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackHostTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST:8080", "app.localhost", "a-b.c.localhost:1", "127.0.0.1",
        "127.0.0.1:65535", "127.1.2.255", "[::1]", "[::1]:8080"})
    void loopbackNamesAreAccepted(String host) {
        assertTrue(LoopbackHost.isLoopback(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "evil.example", "evil.example:8080", "localhost.evil.example", "localhost.",
        "evillocalhost", "-x.localhost", "127.0.0.1.evil.example", "127.0.0.256", "127.0.0", "128.0.0.1", "0.0.0.0",
        "[::2]", "::1", "[::ffff:127.0.0.1]", "localhost:", "localhost:123456", "localhost:80 ", "localhost, evil",
        "user@localhost", "2130706433", "0x7f.0.0.1"})
    void otherNamesAreRefused(String host) {
        assertFalse(LoopbackHost.isLoopback(host), host);
    }

    @org.junit.jupiter.api.Test
    void aMissingHostIsRefused() {
        assertFalse(LoopbackHost.isLoopback(null));
    }
}
