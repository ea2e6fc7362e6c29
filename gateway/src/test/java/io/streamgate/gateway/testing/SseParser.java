package io.streamgate.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A spec-exact Server-Sent Events parser (WHATWG HTML, "Parsing an event stream"), fed bytes in arbitrary pieces.
 * Lines end at CRLF, LF or a lone CR; a leading BOM is dropped; a blank line dispatches; {@code data} lines join with LF; comments are kept
 * so tests can see pings.
 */
public final class SseParser {

    /** One dispatched event. {@code id} is the last event id in force when it was dispatched. */
    public record Event(String id, String type, String data) {}

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private final List<Event> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private String type = "";
    private String lastEventId = "";
    private boolean afterCr;
    private boolean sawData;
    private boolean started;

    /** Parses a whole body; an event without its closing blank line is not dispatched. */
    public static List<Event> parse(String body) {
        SseParser parser = new SseParser();
        parser.feed(body.getBytes(StandardCharsets.UTF_8));
        return parser.drainEvents();
    }

    public void feed(byte[] bytes, int offset, int length) {
        int i = offset;
        if (!started && length >= 3 && (bytes[i] & 0xff) == 0xEF && (bytes[i + 1] & 0xff) == 0xBB
                && (bytes[i + 2] & 0xff) == 0xBF) {
            i += 3; // a leading byte-order mark is dropped
        }
        started |= length > 0;
        for (; i < offset + length; i++) {
            byte b = bytes[i];
            if (afterCr && b == '\n') {
                afterCr = false;
                continue;
            }
            afterCr = false;
            if (b == '\r' || b == '\n') {
                afterCr = b == '\r';
                processLine(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    /** Takes the events dispatched so far. */
    public List<Event> drainEvents() {
        List<Event> out = List.copyOf(events);
        events.clear();
        return out;
    }

    public List<String> comments() {
        return comments;
    }

    private void processLine(String l) {
        if (l.isEmpty()) {
            dispatch();
            return;
        }
        if (l.charAt(0) == ':') {
            comments.add(l.substring(1).strip());
            return;
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                data.append(value).append('\n');
                sawData = true;
            }
            case "event" -> type = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            default -> {} // "retry" and unknown fields do not matter here
        }
    }

    private void dispatch() {
        if (!sawData) {
            type = "";
            return;
        }
        String d = data.substring(0, data.length() - 1);
        events.add(new Event(lastEventId, type.isEmpty() ? "message" : type, d));
        data.setLength(0);
        type = "";
        sawData = false;
    }
}
