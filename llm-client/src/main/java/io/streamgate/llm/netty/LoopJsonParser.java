package io.streamgate.llm.netty;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonTokenId;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import io.netty.util.concurrent.FastThreadLocal;
import io.streamgate.llm.Json;
import java.io.IOException;

/**
 * One JSON parser per event loop, reused for every event that loop frames, whatever the stream: building a parser
 * costs about 700 bytes of garbage (context, symbol table, buffers), more than the rest of an event's parsing.
 *
 * <p>It is jackson's non-blocking parser, fed each event's bytes and read like a blocking parser over just those
 * bytes: once they are read, one space is fed (so that a token cut at the end is completed or rejected), and then
 * {@code "0 "} as a probe: it reads as a number only where a new document may begin, so that is the end of the
 * event's document ({@code null}, as a blocking parser's end of input); anywhere else (inside an object, an array or
 * a string) the data was cut short, an error as with a blocking parser. Each event is parsed to its end before the
 * next is fed (a loop parses one at a time). A parser left anywhere but cleanly between documents (after an error) is
 * dropped for a new one, so one stream's bad bytes cannot reach the next event. It is also renewed after
 * {@value #RENEW_AFTER_BYTES} bytes, which bounds the field names its symbol table gathers from hostile input.
 */
final class LoopJsonParser extends JsonParserDelegate {

    static final int RENEW_AFTER_BYTES = 1 << 20;
    private static final byte[] SPACE = {' '};
    private static final byte[] PROBE = {'0', ' '};

    private static final FastThreadLocal<LoopJsonParser> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected LoopJsonParser initialValue() {
            return new LoopJsonParser();
        }
    };

    private ByteArrayFeeder feeder;
    private long fedBytes;
    private boolean inUse;
    private boolean terminated; // the space after the event's bytes is fed
    private boolean ended; // the end of the event's document was returned as null
    private boolean clean;

    private LoopJsonParser() {
        super(null);
    }

    /** A parser over {@code data[offset, offset + length)}: this thread's reused one, or a new one if it is busy. */
    static JsonParser open(byte[] data, int offset, int length) throws IOException {
        LoopJsonParser parser = PER_THREAD.get();
        if (parser.inUse) {
            return Json.FACTORY.createParser(data, offset, length); // not expected: a parse within a parse
        }
        parser.begin(data, offset, length);
        return parser;
    }

    private void begin(byte[] data, int offset, int length) throws IOException {
        if (delegate == null || !clean || fedBytes > RENEW_AFTER_BYTES) {
            renew();
        }
        clean = false;
        terminated = false;
        ended = false;
        inUse = true;
        fedBytes += length + 1;
        feeder.feedInput(data, offset, offset + length);
    }

    private void renew() throws IOException {
        if (delegate != null) {
            delegate.close();
        }
        delegate = Json.FACTORY.createNonBlockingByteArrayParser();
        feeder = (ByteArrayFeeder) delegate.getNonBlockingInputFeeder();
        fedBytes = 0;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        if (ended) {
            return null;
        }
        JsonToken token = delegate.nextToken();
        if (token != JsonToken.NOT_AVAILABLE) {
            return token;
        }
        if (!terminated) {
            terminated = true;
            feeder.feedInput(SPACE, 0, SPACE.length);
            token = delegate.nextToken();
            if (token != JsonToken.NOT_AVAILABLE) {
                return token;
            }
        }
        // All of the event is read. Between two documents the probe reads as a number; inside anything it does not.
        if (delegate.getParsingContext().inRoot()) {
            feeder.feedInput(PROBE, 0, PROBE.length);
            if (delegate.nextToken() == JsonToken.VALUE_NUMBER_INT && delegate.nextToken() == JsonToken.NOT_AVAILABLE) {
                ended = true;
                return null;
            }
        }
        throw new JsonEOFException(this, null, "Unexpected end of the event's data");
    }

    @Override
    public JsonToken currentToken() {
        return ended ? null : delegate.currentToken();
    }

    @Override
    public JsonToken getCurrentToken() {
        return currentToken();
    }

    @Override
    public int currentTokenId() {
        return ended ? JsonTokenId.ID_NO_TOKEN : delegate.currentTokenId();
    }

    @Override
    public int getCurrentTokenId() {
        return currentTokenId();
    }

    @Override
    public boolean hasCurrentToken() {
        return currentToken() != null;
    }

    @Override
    public JsonParser skipChildren() throws IOException {
        JsonToken start = currentToken();
        if (start != JsonToken.START_OBJECT && start != JsonToken.START_ARRAY) {
            return this;
        }
        for (int open = 1; open > 0; ) {
            JsonToken token = nextToken();
            if (token == null) {
                throw new JsonEOFException(this, null, "Unexpected end of the event's data");
            }
            if (token.isStructStart()) {
                open++;
            } else if (token.isStructEnd()) {
                open--;
            }
        }
        return this;
    }

    /** Ends this event: reads what its reader left of it, and keeps the parser only if it ends between documents. */
    @Override
    public void close() {
        if (!inUse) {
            return;
        }
        inUse = false;
        try {
            while (!ended) {
                nextToken(); // whitespace, or something after the value that its reader did not read; bounded by the event
            }
            clean = true;
        } catch (IOException | RuntimeException e) {
            clean = false;
        }
    }
}
