package io.streamgate.gateway.dropin;

/** {@link DropInCacheTest} over the OkHttp provider transport: answers recorded from another thread than the loop's. */
class DropInCacheOkHttpTest extends DropInCacheTest {

    @Override
    String upstreamClient() {
        return "okhttp";
    }
}
