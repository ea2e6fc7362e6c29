package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One SSE event as a {@link StreamParser} sees it: the {@code event:} name and the {@code data:} payload as a slice
 * of UTF-8 bytes, so the payload's JSON is read straight from the bytes and no {@code String} is built per event.
 *
 * <p>A view, not a value: a framer fills one instance and hands it out for each event, so a parser must take what
 * it needs during its {@link StreamParser#onEvent} call and keep no reference to the event or its bytes. The name is
 * kept as bytes too: {@link #typeIs} compares without building a string, and {@link #type} builds one only for a
 * name it does not know. okhttp-sse hands out strings instead ({@link #of}): those are parsed as they are, since
 * encoding them to bytes again would only add garbage.
 */
public final class SseEvent {

    private static final byte[] NO_BYTES = {};

    /** Where an event's JSON parser comes from. */
    @FunctionalInterface
    public interface JsonSource {
        /** A parser over {@code data[offset, offset + length)}; the caller closes it. */
        JsonParser open(byte[] data, int offset, int length) throws IOException;
    }

    private final JsonSource json;
    private byte[] data = NO_BYTES;
    private int dataOffset;
    private int dataLength;
    private byte[] type; // the name's bytes, or null when the event had none
    private int typeLength;
    private String typeText; // the name when given as text (of), else null
    private String text; // the data when given as text (of), else null: the data is the byte slice

    /** An empty event whose data gets a new parser from {@link Json#FACTORY} each time; fill it with {@link #set}. */
    public SseEvent() {
        this(Json.FACTORY::createParser);
    }

    /** An empty event whose data is parsed by parsers from {@code json}; fill it with {@link #set}. */
    public SseEvent(JsonSource json) {
        this.json = requireNonNull(json, "json");
    }

    /** An event from already decoded text, as okhttp-sse hands it out. */
    public static SseEvent of(String type, String data) {
        return new SseEvent().set(type, data);
    }

    /** Points this view at the next event, given as text (okhttp-sse's strings, parsed as they are). */
    public SseEvent set(String type, String data) {
        clear();
        this.text = requireNonNull(data, "data");
        this.typeText = type == null || type.isEmpty() ? null : type;
        return this;
    }

    /**
     * Points this view at the next event. Nothing is copied: the arrays are the caller's until the next call.
     *
     * @param type the name's bytes, {@code null} (or empty) when the event had none
     */
    public SseEvent set(byte[] type, int typeLength, byte[] data, int dataOffset, int dataLength) {
        if (dataOffset < 0 || dataLength < 0 || dataOffset + dataLength > data.length
                || (type != null && (typeLength < 0 || typeLength > type.length))) {
            throw new IndexOutOfBoundsException("slice out of bounds");
        }
        this.type = type == null || typeLength == 0 ? null : type;
        this.typeLength = this.type == null ? 0 : typeLength;
        this.typeText = null;
        this.text = null;
        this.data = data;
        this.dataOffset = dataOffset;
        this.dataLength = dataLength;
        return this;
    }

    /** Lets go of the arrays the last {@link #set} pointed at. */
    public void clear() {
        set(null, 0, NO_BYTES, 0, 0);
    }

    /** Whether the event's name is {@code name} (ASCII); no string is built. */
    public boolean typeIs(String name) {
        if (typeText != null) {
            return typeText.equals(name);
        }
        if (type == null || typeLength != name.length()) {
            return false;
        }
        for (int i = 0; i < typeLength; i++) {
            if (type[i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The {@code event:} name, or {@code null} when the event had none: one of {@code known} when it matches one (no
     * string is built), otherwise the name decoded from its bytes.
     */
    public String type(String... known) {
        if (typeText != null) {
            return typeText;
        }
        if (type == null) {
            return null;
        }
        for (String name : known) {
            if (typeIs(name)) {
                return name;
            }
        }
        return new String(type, 0, typeLength, StandardCharsets.UTF_8);
    }

    /**
     * Whether the data, without the whitespace around it, is {@code text} (ASCII), e.g. OpenAI's {@code [DONE]}.
     */
    public boolean dataIs(String text) {
        if (this.text != null) {
            return this.text.equals(text) || this.text.strip().equals(text);
        }
        int start = dataOffset;
        int end = dataOffset + dataLength;
        while (start < end && isWhitespace(data[start])) {
            start++;
        }
        while (end > start && isWhitespace(data[end - 1])) {
            end--;
        }
        if (end - start != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (data[start + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == 0x0B;
    }

    /** A parser over the data's bytes; the caller closes it, before the next event. */
    public JsonParser jsonParser() throws IOException {
        return text != null ? Json.FACTORY.createParser(text) : json.open(data, dataOffset, dataLength);
    }

    /** A copy of the data's UTF-8 bytes: for a relay that must keep them past this event. */
    public byte[] dataBytes() {
        return text != null
                ? text.getBytes(StandardCharsets.UTF_8)
                : java.util.Arrays.copyOfRange(data, dataOffset, dataOffset + dataLength);
    }

    /** The data decoded as text: for logs and tests, not for the per-event path. */
    public String dataText() {
        return text != null ? text : new String(data, dataOffset, dataLength, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SseEvent[" + type() + ", " + (text != null ? text.length() + " chars]" : dataLength + " bytes]");
    }
}
