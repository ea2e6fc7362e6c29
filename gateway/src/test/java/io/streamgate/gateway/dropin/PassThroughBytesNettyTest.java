package io.streamgate.gateway.dropin;

/** {@link PassThroughBytesTest} over the Netty provider transport (the stream read on the client's event loop). */
class PassThroughBytesNettyTest extends PassThroughBytesTest {

    @Override
    String upstreamClient() {
        return "netty";
    }
}
