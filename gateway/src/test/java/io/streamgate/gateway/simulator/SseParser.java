package io.streamgate.gateway.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * A test-side Server-Sent Events parser that follows the HTML standard's rules exactly: lines end
 * in CRLF, LF or CR; a leading BOM is dropped; {@code :} lines are comments; one optional space
 * after the colon is removed; data lines are joined with LF; a blank line dispatches, but only an
 * event with data; an event that never sees its blank line is never dispatched.
 */
final class SseParser {

    /** One dispatched event. */
    record Event(String type, String data, String lastEventId) {}

    private SseParser() {}

    static List<Event> parse(String body) {
        List<Event> events = new ArrayList<>();
        String s = body.startsWith("\uFEFF") ? body.substring(1) : body;
        StringBuilder data = new StringBuilder();
        String type = "";
        String lastId = "";
        int pos = 0;
        while (pos < s.length()) {
            int end = pos;
            while (end < s.length() && s.charAt(end) != '\n' && s.charAt(end) != '\r') {
                end++;
            }
            if (end == s.length()) {
                break; // an unterminated last line is not a line yet
            }
            String line = s.substring(pos, end);
            pos = end + (s.charAt(end) == '\r' && end + 1 < s.length() && s.charAt(end + 1) == '\n' ? 2 : 1);
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    data.setLength(data.length() - 1);
                    events.add(new Event(type.isEmpty() ? "message" : type, data.toString(), lastId));
                }
                data.setLength(0);
                type = "";
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> data.append(value).append('\n');
                case "event" -> type = value;
                case "id" -> lastId = value.indexOf('\0') >= 0 ? lastId : value;
                default -> { } // retry and unknown fields do not matter here
            }
        }
        return events;
    }
}
