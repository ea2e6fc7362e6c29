package io.streamgate.gateway.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@link StreamEvent}s as SSE messages ({@code id: N\ndata: {json}\n\n}) straight into a ByteBuf.
 *
 * <p>Why one {@code data} line is always enough: jackson escapes every control character inside strings, so the
 * JSON never contains a raw CR or LF that would split the SSE field. Text is written as UTF-8 without a detour
 * through a {@code byte[]}.
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

    private SseEventEncoder() {}

    /** Appends one SSE message for {@code event} to {@code out}. */
    public static void encode(StreamEvent event, long sequence, long timestampMillis, ByteBuf out) {
        out.writeBytes(ID);
        writeLong(out, sequence);
        out.writeBytes(DATA);
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

    private static void writeLong(ByteBuf out, long value) {
        out.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
    }
}
