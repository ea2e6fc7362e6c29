package io.streamgate.gateway.stream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The streams in flight, so that a scrape can add up what they hold. */
public final class StreamRegistry {

    private final Set<StreamBridge> streams = ConcurrentHashMap.newKeySet();

    void add(StreamBridge bridge) {
        streams.add(bridge);
    }

    void remove(StreamBridge bridge) {
        streams.remove(bridge);
    }

    public int size() {
        return streams.size();
    }

    /** Sum of {@link StreamBridge#heldBytes()}; a racy but safe read, good enough for a gauge. */
    public long heldBytes() {
        return streams.stream().mapToLong(StreamBridge::heldBytes).sum();
    }

    /** Sum of {@link StreamBridge#bufferedBytes()}: what backpressure must keep bounded. */
    public long bufferedBytes() {
        return streams.stream().mapToLong(StreamBridge::bufferedBytes).sum();
    }
}
