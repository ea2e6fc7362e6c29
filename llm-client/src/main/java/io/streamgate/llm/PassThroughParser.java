package io.streamgate.llm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The parser of a pass-through stream: the client speaks the provider's own dialect, so each provider event is
 * published as a {@link UpstreamEvent.RawEvent} to be relayed as it came, while the dialect's own typed parser reads
 * it on the side for what the gateway needs: the end marker, in-stream errors and usage.
 *
 * <p>What is published, per provider event:
 * <ul>
 *   <li>normally its raw bytes, then, when the typed parser saw the end marker, its {@link UpstreamEvent.Completed}
 *       (with the provider's usage);
 *   <li>when the typed parser failed the stream on it (an in-stream {@code error}, or a cap), only its
 *       {@link UpstreamEvent.Failed}: the client then gets the gateway's sanitised error in its own dialect instead
 *       of the provider's text;
 *   <li>nothing for an OpenAI usage-only chunk ({@code "choices": []} with {@code usage}) when the client did not
 *       ask for usage: the gateway asks for it for its own accounting.
 * </ul>
 * The typed parser's other events (text, tool calls) are not published: the raw event carries them, and the number
 * of characters they held ({@link UpstreamEvent.RawEvent#generatedChars()}). A {@code tap} given to the factory sees
 * every typed event as the typed parser publishes it (the answer cache records a pass-through answer with it).
 *
 * <p>An event is written back in the SSE form OpenAI and Anthropic use, {@code event: <type>} (when it had one),
 * one {@code data: } line per data line, and a blank line: byte for byte what those providers send. A provider that
 * writes events differently ({@code data:} without the space, CRLF line ends, comments, {@code id:} fields) gets
 * them relayed in that normal form, with the same meaning.
 */
public final class PassThroughParser implements StreamParser {

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE_FIELD = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    private final TokenSink out;
    private final StreamParser typed;
    private final boolean relayUsageOnlyChunks;
    private final Consumer<UpstreamEvent> tap;
    private UpstreamEvent terminal; // what the typed parser ended the stream with, during the current event
    private int generatedChars; // answer text, reasoning and tool calls the typed parser read in the current event

    private PassThroughParser(TokenSink out, Function<? super TokenSink, ? extends StreamParser> typed,
            boolean relayUsageOnlyChunks, Consumer<UpstreamEvent> tap) {
        this.out = requireNonNull(out, "out");
        this.tap = requireNonNull(tap, "tap");
        this.typed = requireNonNull(typed.apply(new TerminalCapture()), "typed");
        this.relayUsageOnlyChunks = relayUsageOnlyChunks;
    }

    /**
     * @param typed builds the dialect's typed parser (e.g. {@code OpenAiProvider::parser}) around the sink it is given
     * @param relayUsageOnlyChunks whether the client asked for usage; if not, OpenAI's usage-only chunk is not relayed
     * @return a factory for the transport, which hands it the (guarded) sink
     */
    public static Function<TokenSink, StreamParser> factory(
            Function<? super TokenSink, ? extends StreamParser> typed, boolean relayUsageOnlyChunks) {
        return factory(typed, relayUsageOnlyChunks, event -> { });
    }

    /**
     * {@link #factory(Function, boolean)}, with a {@code tap} that is given each event the typed parser publishes
     * (text, reasoning, tool calls, the end or a failure), on the parser's thread, before the raw event is published.
     */
    public static Function<TokenSink, StreamParser> factory(
            Function<? super TokenSink, ? extends StreamParser> typed, boolean relayUsageOnlyChunks,
            Consumer<UpstreamEvent> tap) {
        requireNonNull(typed, "typed");
        requireNonNull(tap, "tap");
        return sink -> new PassThroughParser(sink, typed, relayUsageOnlyChunks, tap);
    }

    @Override
    public boolean onEvent(SseEvent event) throws IOException {
        terminal = null;
        generatedChars = 0;
        boolean more = typed.onEvent(event);
        if (terminal instanceof UpstreamEvent.Failed) {
            out.publish(terminal);
            return false;
        }
        byte[] data = event.dataBytes();
        if ((relayUsageOnlyChunks || !isUsageOnlyChunk(data))
                && !out.publish(new UpstreamEvent.RawEvent(encode(event.type(), data), generatedChars))) {
            return false;
        }
        if (terminal != null) {
            out.publish(terminal);
            return false;
        }
        return more;
    }

    @Override
    public boolean reachedEnd() {
        return typed.reachedEnd();
    }

    @Override
    public String endMarker() {
        return typed.endMarker();
    }

    /** The event in SSE form: {@code event:} when it had a type, a {@code data:} line per data line, a blank line. */
    static byte[] encode(String type, String data) {
        return encode(type, data.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] encode(String type, byte[] utf8) {
        byte[] name = type == null ? null : type.getBytes(StandardCharsets.UTF_8);
        int lines = 1;
        for (byte b : utf8) {
            if (b == '\n') {
                lines++;
            }
        }
        // Sized exactly: one copy of the data, no growing buffer.
        byte[] out = new byte[(name == null ? 0 : EVENT.length + name.length + 1)
                + lines * (DATA.length + 1) + (utf8.length - (lines - 1)) + 1];
        int at = 0;
        if (name != null) {
            at = put(out, at, EVENT, 0, EVENT.length);
            at = put(out, at, name, 0, name.length);
            out[at++] = '\n';
        }
        int start = 0;
        for (int i = 0; i <= utf8.length; i++) {
            if (i == utf8.length || utf8[i] == '\n') {
                at = put(out, at, DATA, 0, DATA.length);
                at = put(out, at, utf8, start, i - start);
                out[at++] = '\n';
                start = i + 1;
            }
        }
        out[at] = '\n';
        return out;
    }

    private static int put(byte[] out, int at, byte[] from, int offset, int length) {
        System.arraycopy(from, offset, out, at, length);
        return at + length;
    }

    /** OpenAI's last chunk when usage was asked for: {@code "choices": []} and a {@code usage} object. */
    static boolean isUsageOnlyChunk(String data) throws IOException {
        return isUsageOnlyChunk(data.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isUsageOnlyChunk(byte[] data) throws IOException {
        if (indexOf(data, USAGE_FIELD) < 0) {
            return false; // the common case, without parsing
        }
        try (JsonParser p = Json.FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean emptyChoices = false;
            boolean usage = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("choices")) {
                    if (value != JsonToken.START_ARRAY || p.nextToken() != JsonToken.END_ARRAY) {
                        return false; // a chunk with a choice is relayed, whatever else it carries
                    }
                    emptyChoices = true;
                } else {
                    usage |= field.equals("usage") && value == JsonToken.START_OBJECT;
                    p.skipChildren();
                }
            }
            return emptyChoices && usage;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * The typed parser's sink: shows each event to the tap, keeps the terminal event and counts what was generated;
     * publishes nothing itself (the raw event carries it).
     */
    private final class TerminalCapture implements TokenSink {
        @Override
        public boolean publish(UpstreamEvent event) {
            tap.accept(event);
            switch (event) {
                case UpstreamEvent.TextDelta t -> generatedChars += t.text().length();
                case UpstreamEvent.ThinkingDelta t -> generatedChars += t.text().length();
                case UpstreamEvent.ToolCall c -> generatedChars += c.name().length() + c.argumentsJson().length();
                case UpstreamEvent.Completed c -> terminal = c;
                case UpstreamEvent.Failed f -> terminal = f;
                case UpstreamEvent.SignedThinking s -> { } // its text was counted as it streamed
                case UpstreamEvent.RawEvent r -> { }
            }
            return true;
        }
    }
}
