package io.streamgate.bench.load;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent Events parser that follows the WHATWG "event stream interpretation" exactly:
 * lines end with CRLF, CR or LF (also when a CRLF is split across two network reads), a blank line dispatches,
 * {@code :} lines are comments, one leading space after the colon is dropped, {@code data} lines are joined with
 * LF, and an event whose data buffer is empty is not dispatched.
 *
 * <p>Why hand-written: the load client must tell a gateway that frames events wrongly from one that is slow, so
 * it must not be more lenient than a browser's {@code EventSource}; and it must be cheap enough that one client
 * thread can read hundreds of thousands of events per second. Lines longer than {@link #MAX_LINE} bytes are a
 * protocol error, which keeps memory bounded per stream.
 */
public final class SseParser {

    /** What a dispatched event is handed to. */
    public interface Listener {
        void onEvent(String type, String data, String lastEventId);

        void onComment();
    }

    public static final int MAX_LINE = 1 << 20;

    private final Listener listener;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean skipLf; // the previous line ended with CR; a LF right after it belongs to that line end
    private final StringBuilder data = new StringBuilder();
    private String eventType;
    private String lastEventId = "";

    public SseParser(Listener listener) {
        this.listener = listener;
    }

    /**
     * Consumes all readable bytes of {@code in}; does not release it.
     *
     * @throws IllegalStateException when a line exceeds {@link #MAX_LINE}
     */
    public void feed(ByteBuf in) {
        int end = in.writerIndex();
        for (int i = in.readerIndex(); i < end; i++) {
            byte b = in.getByte(i);
            if (skipLf) {
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\r') {
                skipLf = true;
                endLine();
            } else if (b == '\n') {
                endLine();
            } else {
                append(b);
            }
        }
        in.readerIndex(end);
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            if (line.length >= MAX_LINE) {
                throw new IllegalStateException("SSE line longer than " + MAX_LINE + " bytes");
            }
            line = Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            listener.onComment();
            return;
        }
        int colon = indexOfColon(length);
        int nameEnd = colon < 0 ? length : colon;
        int valueStart = colon < 0 ? length : colon + 1;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        field(nameEnd, valueStart, length);
    }

    private int indexOfColon(int length) {
        for (int i = 0; i < length; i++) {
            if (line[i] == ':') {
                return i;
            }
        }
        return -1;
    }

    private void field(int nameEnd, int valueStart, int length) {
        if (is("data", nameEnd)) {
            data.append(new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8)).append('\n');
        } else if (is("event", nameEnd)) {
            eventType = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        } else if (is("id", nameEnd)) {
            String id = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
            if (id.indexOf('\0') < 0) {
                lastEventId = id;
            }
        }
        // "retry" and unknown fields are ignored, as the spec says
    }

    private boolean is(String name, int nameEnd) {
        if (nameEnd != name.length()) {
            return false;
        }
        for (int i = 0; i < nameEnd; i++) {
            if (line[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void dispatch() {
        if (data.isEmpty()) {
            eventType = null;
            return;
        }
        data.setLength(data.length() - 1); // the last LF
        String type = eventType == null || eventType.isEmpty() ? "message" : eventType;
        String payload = data.toString();
        data.setLength(0);
        eventType = null;
        listener.onEvent(type, payload, lastEventId);
    }
}
