package io.streamgate.gateway.testing;

import org.junit.jupiter.api.AfterEach;

/**
 * The fixture most end-to-end tests share: a scriptable provider, and a gateway in front of it that each test
 * starts with the settings it needs. Both are closed after each test.
 */
public abstract class UpstreamAndGateway {

    protected final TestUpstream upstream = new TestUpstream();
    protected GatewayUnderTest gateway;

    @AfterEach
    void closeUpstreamAndGateway() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }
}
