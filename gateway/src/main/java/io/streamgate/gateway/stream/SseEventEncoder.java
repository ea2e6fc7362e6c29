package io.streamgate.gateway.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.util.ByteProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@link StreamEvent}s as SSE messages ({@code id: N\ndata: {json}\n\n}) straight into a ByteBuf.
 *
 * <p>Why one {@code data} line is always enough: everything goes through the generator (JSON from a model or a tool
 * is parsed and copied token by token, see {@link EventFields}), which escapes every control character inside
 * strings and writes no whitespace between tokens, so the JSON never contains a raw CR or LF that would end the
 * field and let the rest of the line pose as another event. A last check on the bytes of every tool event holds
 * that even against a future mistake. Text is written as UTF-8 without a detour through a {@code byte[]}.
 *
 * <p>Not thread-safe; one instance per event loop is plenty (it holds no per-stream state).
 */
public final class SseEventEncoder {

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .build();
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    /** Whether assertions are on (tests): then every event's bytes are checked, not only the tool events'. */
    private static final boolean ASSERTIONS;

    static {
        boolean on = false;
        assert on = true;
        ASSERTIONS = on;
    }

    private SseEventEncoder() {}

    /** Appends one SSE message for {@code event} to {@code out}. */
    public static void encode(StreamEvent event, long sequence, long timestampMillis, ByteBuf out) {
        out.writeBytes(ID);
        writeLong(out, sequence);
        out.writeBytes(DATA);
        int jsonStart = out.writerIndex();
        try (JsonGenerator json = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(out))) {
            json.writeStartObject();
            json.writeStringField("type", event.type());
            json.writeFieldName("timestamp");
            json.writeNumber(unixSeconds(timestampMillis));
            json.writeNumberField("sequence", sequence);
            EventFields.write(event, json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteBuf target never throws
        }
        if (ASSERTIONS || carriesForeignJson(event)) {
            int lineBreak = out.forEachByte(jsonStart, out.writerIndex() - jsonStart, ByteProcessor.FIND_CRLF);
            if (lineBreak >= 0) {
                assert false : "a raw line break reached an SSE data line: "
                        + out.toString(jsonStart, out.writerIndex() - jsonStart, StandardCharsets.UTF_8);
                blankLineBreaks(out, lineBreak);
            }
        }
        out.writeBytes(END);
    }

    /** Appends the keep-alive comment sent during silence. */
    public static void encodePing(ByteBuf out) {
        out.writeBytes(PING);
    }

    /** Unix seconds with millisecond fraction, e.g. {@code 1795513167.482}; never exponent notation. */
    static String unixSeconds(long millis) {
        long frac = millis % 1000;
        return (millis / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    /**
     * Tool events carry JSON a model or a tool wrote, copied through the generator: the events a future mistake
     * could let a raw line break into. Text chunks hold only strings the generator escaped, and the scan would
     * add about 15% to each chunk's encoding, so the hot path goes without it.
     */
    private static boolean carriesForeignJson(StreamEvent event) {
        return event instanceof StreamEvent.ToolCall || event instanceof StreamEvent.ToolResult;
    }

    /**
     * Turns every CR and LF from {@code from} on into a space. The generator escapes them inside strings, so one
     * can only be whitespace between tokens, and a space there means the same JSON.
     */
    static void blankLineBreaks(ByteBuf out, int from) {
        for (int i = from; i < out.writerIndex(); i++) {
            byte b = out.getByte(i);
            if (b == '\r' || b == '\n') {
                out.setByte(i, ' ');
            }
        }
    }

    private static void writeLong(ByteBuf out, long value) {
        out.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
    }
}
