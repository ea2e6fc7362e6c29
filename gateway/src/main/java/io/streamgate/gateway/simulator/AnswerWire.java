package io.streamgate.gateway.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

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
}
