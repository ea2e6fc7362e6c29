package io.streamgate.llm.netty;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Frames a {@code text/event-stream} body into events, straight from {@link ByteBuf}s, as the WHATWG HTML
 * specification's event-stream interpretation says: CR, LF and CRLF end a line (also when a CRLF is split between
 * two reads), a leading UTF-8 BOM is dropped, lines starting with {@code :} are comments, {@code data} lines are
 * joined with LF, an empty line dispatches, an event without data is not dispatched, and {@code id}, {@code retry}
 * and unknown fields are ignored (the gateway neither reconnects nor resumes).
 *
 * <p>One event at a time: {@link #next} stops right after it dispatches, leaving the rest of the buffer unread, so
 * the caller can stop between events when its consumer is behind. What one event may hold is capped: a line or an
 * event's data over {@code maxEventBytes} is {@link Result#OVERSIZED}, after which the framer must not be used.
 *
 * <p>Not thread-safe: one framer per stream, used on its channel's event loop.
 */
public final class SseFramer {

    /** What {@link #next} did. */
    public enum Result {
        /** The buffer is exhausted without completing an event; feed more. */
        NEED_MORE,
        /** One event went to the listener; the buffer may hold more. */
        DISPATCHED,
        /** A line or an event grew over the cap. */
        OVERSIZED
    }

    /** Receives dispatched events. */
    public interface Listener {
        /** @param type the {@code event} field, or {@code null} when the event had none */
        void onEvent(String type, String data);
    }

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final int maxEventBytes;
    private byte[] line;
    private int lineLength;
    private byte[] data;
    private int dataLength;
    private boolean hasData;
    private String type;
    private boolean lastWasCr;
    private int bomMatched; // bytes of a leading BOM seen so far; 3 once the start of the stream is behind us

    public SseFramer(int maxEventBytes) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
        this.line = new byte[Math.min(256, maxEventBytes)];
        this.data = new byte[Math.min(256, maxEventBytes)];
    }

    /** Reads {@code in} up to the end of the next event, which goes to {@code listener}. */
    public Result next(ByteBuf in, Listener listener) {
        while (in.isReadable()) {
            byte b = in.readByte();
            if (bomMatched < BOM.length) {
                if (b == BOM[bomMatched]) {
                    bomMatched++;
                    continue;
                }
                int partial = bomMatched;
                bomMatched = BOM.length;
                if (!append(BOM, partial)) { // a partial BOM was content after all
                    return Result.OVERSIZED;
                }
            }
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\r' || b == '\n') {
                Result result = endOfLine(listener);
                if (result != Result.NEED_MORE) {
                    return result;
                }
            } else {
                if (lineLength == line.length && !grow(1)) {
                    return Result.OVERSIZED;
                }
                line[lineLength++] = b;
            }
        }
        return Result.NEED_MORE;
    }

    private boolean append(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (lineLength == line.length && !grow(1)) {
                return false;
            }
            line[lineLength++] = bytes[i];
        }
        return true;
    }

    /** Makes room in the line buffer, which is never longer than the cap. */
    private boolean grow(int more) {
        if (lineLength + more > maxEventBytes) {
            return false;
        }
        line = Arrays.copyOf(line, Math.min(maxEventBytes, Math.max(line.length * 2, lineLength + more)));
        return true;
    }

    private Result endOfLine(Listener listener) {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            return dispatch(listener);
        }
        if (line[0] == ':') {
            return Result.NEED_MORE;
        }
        int colon = indexOf(line, length, (byte) ':');
        int nameEnd = colon < 0 ? length : colon;
        int valueStart = colon < 0 ? length : colon + 1;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        if (is(line, nameEnd, "data")) {
            int valueLength = length - valueStart;
            if (dataLength + valueLength + 1 > maxEventBytes) {
                return Result.OVERSIZED;
            }
            if (dataLength + valueLength + 1 > data.length) {
                data = Arrays.copyOf(data, Math.min(maxEventBytes, Math.max(data.length * 2, dataLength + valueLength + 1)));
            }
            System.arraycopy(line, valueStart, data, dataLength, valueLength);
            dataLength += valueLength;
            data[dataLength++] = '\n';
            hasData = true;
        } else if (is(line, nameEnd, "event")) {
            type = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
        }
        return Result.NEED_MORE;
    }

    private Result dispatch(Listener listener) {
        if (!hasData) {
            type = null;
            return Result.NEED_MORE;
        }
        String eventType = type == null || type.isEmpty() ? null : type;
        String eventData = new String(data, 0, dataLength - 1, StandardCharsets.UTF_8); // without the last LF
        type = null;
        dataLength = 0;
        hasData = false;
        if (data.length > 4096) {
            data = new byte[256]; // don't keep one large event's buffer for the rest of the stream
        }
        if (line.length > 4096) {
            line = new byte[256];
        }
        listener.onEvent(eventType, eventData);
        return Result.DISPATCHED;
    }

    private static int indexOf(byte[] bytes, int length, byte b) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean is(byte[] bytes, int length, String name) {
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
