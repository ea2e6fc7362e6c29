package io.streamgate.llm.anthropic;

import java.nio.charset.StandardCharsets;

/**
 * Hand-written Messages API streams for what the recordings in {@code src/test/resources/fixtures/recorded} do
 * not cover, in the documented format. Shared through the test jar, so the provider tests and the gateway's
 * end-to-end tests replay the same bytes.
 */
public final class AnthropicStreams {

    /** The signed thinking block of {@link #THINKING_THEN_TOOL_USE}: its whole text and its signature. */
    public static final String THINKING = "The user wants the time; I will ask the clock.";
    public static final String SIGNATURE = "EqQBCgIYAhIMsigA==";
    public static final String REDACTED_DATA = "EmwKAhgBEgy3va3p";

    /**
     * Extended thinking that ends in a tool call: a signed {@code thinking} block in two deltas, a
     * {@code redacted_thinking} block, a sentence of text, then {@code current_time} with no arguments; cache usage.
     */
    public static final String THINKING_THEN_TOOL_USE = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_t","type":"message","role":"assistant","content":[],"usage":{"input_tokens":30,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"The user wants the time; "}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"I will ask the clock."}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIMsigA=="}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3p"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: content_block_start
            data: {"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Let me check."}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":2}

            event: content_block_start
            data: {"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_t1","name":"current_time","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":3}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":40}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    private AnthropicStreams() {}

    public static byte[] bytes(String stream) {
        return stream.getBytes(StandardCharsets.UTF_8);
    }
}
