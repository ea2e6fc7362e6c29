package io.streamgate.llm;

import java.nio.charset.StandardCharsets;

/** Builds events for parser tests as the Netty transport hands them over. */
public final class SseEvents {

    private SseEvents() {}

    /** An event over the UTF-8 bytes of {@code data}, in the middle of a larger array, as the framer hands it out. */
    public static SseEvent utf8(String type, String data) {
        byte[] bytes = ("padding" + data + "padding").getBytes(StandardCharsets.UTF_8);
        byte[] name = type == null ? null : type.getBytes(StandardCharsets.UTF_8);
        return new SseEvent().set(name, name == null ? 0 : name.length, bytes, 7, bytes.length - 14);
    }
}
