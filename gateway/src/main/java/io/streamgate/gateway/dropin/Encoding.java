package io.streamgate.gateway.dropin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.streamgate.gateway.http.JsonResponses;
import java.io.IOException;
import java.io.OutputStream;

/** The JSON factories of the drop-in endpoints: one that reads client bodies strictly, one that writes. */
final class Encoding {

    /**
     * Reads client bodies. Duplicate keys are refused: a body with two {@code model} fields could be routed on one and
     * read by the provider as the other.
     */
    static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Encoding() {}

    /** A generator appending to {@code out}; closing it flushes and leaves {@code out} alone. */
    static JsonGenerator generator(ByteBuf out) throws IOException {
        // The cast picks the OutputStream overload: ByteBufOutputStream is also a DataOutput.
        return JsonResponses.JSON.createGenerator((OutputStream) new ByteBufOutputStream(out));
    }
}
