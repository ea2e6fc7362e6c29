package io.streamgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HarnessOptionsTest {

    @Test
    void noUpstreamClientAndNoTlsByDefault() {
        HarnessOptions o = HarnessOptions.parse(new String[0]);

        assertEquals(List.of(), o.upstreamClients(), "the gateway's own default");
        assertFalse(o.tls());
        assertFalse(o.gatewayJfr());
    }

    @Test
    void oneOrSeveralUpstreamClientsInTheOrderGiven() {
        assertEquals(List.of("netty"), HarnessOptions.parse(new String[] {"--upstream-client", "netty"}).upstreamClients());
        assertEquals(List.of("okhttp", "netty"),
                HarnessOptions.parse(new String[] {"--upstream-client", "OkHttp, netty"}).upstreamClients());
        assertTrue(HarnessOptions.parse(new String[] {"--tls", "--profile", "hold"}).tls());
        assertTrue(HarnessOptions.parse(new String[] {"--gateway-jfr"}).gatewayJfr());
    }

    @Test
    void unknownOrRepeatedClientsAreRefused() {
        for (String value : List.of("grpc", "okhttp,okhttp", ",", "okhttp,")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HarnessOptions.parse(new String[] {"--upstream-client", value}), value);
            assertTrue(e.getMessage().startsWith("--upstream-client takes okhttp, netty"), e.getMessage());
        }
    }

    @Test
    void combinationsThatCannotWorkAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--profile", "hold", "--upstream-client", "okhttp,netty"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--history-flood", "4", "--upstream-client", "okhttp,netty"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--gateway-url", "http://127.0.0.1:8080", "--tls"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--gateway-url", "http://127.0.0.1:8080", "--upstream-client", "netty"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--upstream-url", "https://127.0.0.1:9443/v1", "--tls"}));
        assertThrows(IllegalArgumentException.class, () -> HarnessOptions.parse(new String[] {
                "--gateway-url", "http://127.0.0.1:8080", "--gateway-jfr"}));
    }
}
