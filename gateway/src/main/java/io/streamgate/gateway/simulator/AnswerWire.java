package io.streamgate.gateway.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How one answer is written in the dialect the request came in: OpenAI Chat Completions ({@link OpenAiJson}) or
 * Anthropic Messages ({@link AnthropicJson}). Every method hands over the buffer it returns.
 */
interface AnswerWire {

    /** What the stream starts with, written with the head. */
    ByteBuf roleEvent(ByteBufAllocator alloc, SimAnswer a);

    /** One streamed piece: text, reasoning or a tool-call fragment. */
    ByteBuf deltaEvent(ByteBufAllocator alloc, SimAnswer a, SimDelta delta);

    /** The stream's end: finish reason, usage and the end marker. */
    ByteBuf tailEvents(ByteBufAllocator alloc, SimAnswer a);

    /** The whole answer as one document, for a request that did not ask to stream. */
    ByteBuf completion(ByteBufAllocator alloc, SimAnswer a);

    /** An error document of the dialect's error {@code type} ({@code invalid_request_error}, …). */
    ByteBuf error(ByteBufAllocator alloc, String message, String type);

    /** Writes into a buffer; may throw what jackson throws. */
    @FunctionalInterface
    interface Filler {
        void fill(ByteBuf buf) throws IOException;
    }

    /** A new buffer filled by {@code filler}, released again if filling fails so that nothing leaks. */
    static ByteBuf encode(ByteBufAllocator alloc, Filler filler) {
        ByteBuf buf = alloc.buffer(256);
        try {
            filler.fill(buf);
            return buf;
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            buf.release();
            throw e;
        }
    }
}
