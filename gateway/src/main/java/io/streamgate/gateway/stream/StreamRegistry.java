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
        long total = 0;
        for (StreamBridge s : streams) {
            total += s.heldBytes();
        }
        return total;
    }
}
