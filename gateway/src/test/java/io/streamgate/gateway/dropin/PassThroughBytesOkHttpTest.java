package io.streamgate.gateway.dropin;

/** {@link PassThroughBytesTest} over the OkHttp provider transport (a virtual thread per stream). */
class PassThroughBytesOkHttpTest extends PassThroughBytesTest {

    @Override
    String upstreamClient() {
        return "okhttp";
    }
}
