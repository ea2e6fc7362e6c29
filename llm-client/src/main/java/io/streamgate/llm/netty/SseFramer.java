package io.streamgate.llm.netty;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.streamgate.llm.SseEvent;
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
 * <p>No string per event: lines are copied in bulk into one accumulation buffer, and the event goes out as an
 * {@link SseEvent} view of that buffer (its data and its name as bytes). A single {@code data:} line is handed out
 * where it was read; further data lines of the same event are moved up behind it, joined with LF, so the data is
 * always one slice. The view is reused for every event and valid only during the listener's call, and its JSON is
 * read by the thread's one reused parser ({@link LoopJsonParser}).
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
        /** @param event the event, valid during this call only: its bytes are the framer's and will be overwritten */
        void onEvent(SseEvent event);
    }

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final int INITIAL_BYTES = 512;

    private final int maxEventBytes;
    private final int maxBufferBytes;
    private final SseEvent event = new SseEvent(LoopJsonParser::open);
    // The event's data so far at [dataStart, dataEnd), then one spare byte for the LF that joins a further data line,
    // then the line being read at [lineStart, lineEnd).
    private byte[] buffer;
    private int dataStart;
    private int dataEnd;
    private boolean hasData;
    private int lineStart;
    private int lineEnd;
    private byte[] type = new byte[32];
    private int typeLength;
    private boolean lastWasCr;
    private int bomMatched; // bytes of a leading BOM seen so far; 3 once the start of the stream is behind us

    public SseFramer(int maxEventBytes) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
        }
        this.maxEventBytes = maxEventBytes;
        // The data (at most the cap), the joining byte, and a line (at most the cap).
        this.maxBufferBytes = (int) Math.min(Integer.MAX_VALUE - 8, 2L * maxEventBytes + 1);
        this.buffer = new byte[Math.min(INITIAL_BYTES, maxBufferBytes)];
    }

    /** Reads {@code in} up to the end of the next event, which goes to {@code listener}. */
    public Result next(ByteBuf in, Listener listener) {
        while (in.isReadable()) {
            if (bomMatched < BOM.length) {
                if (in.getByte(in.readerIndex()) == BOM[bomMatched]) {
                    in.skipBytes(1);
                    bomMatched++;
                    continue;
                }
                int partial = bomMatched;
                bomMatched = BOM.length;
                if (!appendToLine(BOM, 0, partial)) { // a partial BOM was content after all
                    return Result.OVERSIZED;
                }
            }
            if (lastWasCr) {
                lastWasCr = false;
                if (in.getByte(in.readerIndex()) == '\n') { // the LF of a CRLF, maybe split between two reads
                    in.skipBytes(1);
                    continue;
                }
            }
            int from = in.readerIndex();
            int end = in.forEachByte(from, in.readableBytes(), ByteProcessor.FIND_CRLF);
            int length = (end < 0 ? in.writerIndex() : end) - from;
            if (lineEnd - lineStart + length > maxEventBytes || !ensureCapacity(lineEnd + length)) {
                return Result.OVERSIZED;
            }
            in.readBytes(buffer, lineEnd, length);
            lineEnd += length;
            if (end < 0) {
                break;
            }
            lastWasCr = in.readByte() == '\r';
            Result result = endOfLine(listener);
            if (result != Result.NEED_MORE) {
                return result;
            }
        }
        return Result.NEED_MORE;
    }

    private boolean appendToLine(byte[] bytes, int offset, int length) {
        if (lineEnd - lineStart + length > maxEventBytes || !ensureCapacity(lineEnd + length)) {
            return false;
        }
        System.arraycopy(bytes, offset, buffer, lineEnd, length);
        lineEnd += length;
        return true;
    }

    /** Makes room for {@code size} bytes in the buffer, which never grows past what the cap allows. */
    private boolean ensureCapacity(int size) {
        if (size <= buffer.length) {
            return true;
        }
        if (size > maxBufferBytes) {
            return false;
        }
        buffer = Arrays.copyOf(buffer, (int) Math.min(maxBufferBytes, Math.max(2L * buffer.length, size)));
        return true;
    }

    private Result endOfLine(Listener listener) {
        int start = lineStart;
        int end = lineEnd;
        lineEnd = lineStart;
        if (start == end) {
            return dispatch(listener);
        }
        if (buffer[start] == ':') {
            return Result.NEED_MORE;
        }
        int colon = indexOf(buffer, start, end, (byte) ':');
        int nameEnd = colon < 0 ? end : colon;
        int valueStart = colon < 0 ? end : colon + 1;
        if (valueStart < end && buffer[valueStart] == ' ') {
            valueStart++;
        }
        if (is(buffer, start, nameEnd, "data")) {
            int valueLength = end - valueStart;
            int kept = hasData ? dataEnd - dataStart + 1 : 0; // with the LF each data line adds
            if (kept + valueLength + 1 > maxEventBytes) {
                return Result.OVERSIZED;
            }
            if (!hasData) {
                hasData = true;
                dataStart = valueStart; // left where it was read
                dataEnd = end;
            } else {
                buffer[dataEnd] = '\n';
                System.arraycopy(buffer, valueStart, buffer, dataEnd + 1, valueLength);
                dataEnd += 1 + valueLength;
            }
            lineStart = dataEnd + 1;
            lineEnd = lineStart;
        } else if (is(buffer, start, nameEnd, "event")) {
            typeLength = end - valueStart;
            if (typeLength > type.length) {
                type = new byte[typeLength];
            }
            System.arraycopy(buffer, valueStart, type, 0, typeLength);
        }
        return Result.NEED_MORE;
    }

    private Result dispatch(Listener listener) {
        if (!hasData) {
            typeLength = 0;
            return Result.NEED_MORE;
        }
        event.set(type, typeLength, buffer, dataStart, dataEnd - dataStart);
        hasData = false;
        typeLength = 0;
        lineStart = 0;
        lineEnd = 0;
        try {
            listener.onEvent(event);
        } finally {
            event.clear();
            if (buffer.length > 4096) {
                buffer = new byte[INITIAL_BYTES]; // don't keep one large event's buffer for the rest of the stream
            }
            if (type.length > 256) {
                type = new byte[32];
            }
        }
        return Result.DISPATCHED;
    }

    private static int indexOf(byte[] bytes, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean is(byte[] bytes, int from, int to, String name) {
        if (to - from != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (bytes[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
