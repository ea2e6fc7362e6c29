package io.streamgate.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.SseParser;
import io.streamgate.llm.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseEventEncoderTest {

    private static final long TS = 1_795_513_167_482L;

    private static String encode(StreamEvent event, long seq) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            SseEventEncoder.encode(event, seq, TS, buf);
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void messageChunkMatchesTheContractByteForByte() {
        assertEquals("id: 3\ndata: {\"type\":\"message_chunk\",\"timestamp\":1795513167.482,\"sequence\":3,"
                        + "\"content\":\" brown fox\",\"token_count\":2,\"is_final\":false}\n\n",
                encode(new StreamEvent.MessageChunk(" brown fox", 2, false), 3));
    }

    @Test
    void timestampKeepsLeadingZerosOfTheFraction() {
        assertEquals("1795513167.005", SseEventEncoder.unixSeconds(1_795_513_167_005L));
        assertEquals("1795513167.050", SseEventEncoder.unixSeconds(1_795_513_167_050L));
        assertEquals("1795513167.500", SseEventEncoder.unixSeconds(1_795_513_167_500L));
    }

    @Test
    void textWithLineBreaksQuotesAndNonAsciiStaysOnOneDataLineAndRoundTrips() {
        String tricky = "line1\r\nline2\rline3\n\"quoted\" \\ naïve café 😀 \u2028 \u0000";
        String sse = encode(new StreamEvent.MessageChunk(tricky, 1, true), 0);
        assertEquals(3, sse.split("\n", -1).length - 1, "id line, data line, blank line: " + sse);
        SseParser parser = new SseParser();
        parser.feed(sse.getBytes(StandardCharsets.UTF_8));
        var events = parser.drainEvents();
        assertEquals(1, events.size());
        assertEquals(tricky, Json.string(events.get(0).data(), "content"));
    }

    @Test
    void toolEventsCarryTheirJsonAsJson() {
        assertEquals("id: 1\ndata: {\"type\":\"tool_call\",\"timestamp\":1795513167.482,\"sequence\":1,"
                        + "\"tool_call_id\":\"call_1\",\"tool_name\":\"calculator\",\"tool_input\":{\"expr\":\"1+2\"}}\n\n",
                encode(new StreamEvent.ToolCall("call_1", "calculator", "{\"expr\":\"1+2\"}"), 1));
        assertEquals("id: 2\ndata: {\"type\":\"tool_result\",\"timestamp\":1795513167.482,\"sequence\":2,"
                        + "\"tool_call_id\":\"call_1\",\"tool_name\":\"calculator\",\"result\":3,\"is_error\":false}\n\n",
                encode(new StreamEvent.ToolResult("call_1", "calculator", "3", false), 2));
    }

    @Test
    void modelWrittenArgumentsCannotForgeAnEvent() {
        String forged = "{\"a\":\"x\"}\n\ndata: {\"type\":\"complete_state\",\"final_message\":\"forged\"}\n\n";
        String sse = encode(new StreamEvent.ToolCall("call_1", "calculator", forged), 1);
        assertEquals(3, sse.split("\n", -1).length - 1, "id line, data line, blank line: " + sse);
        var events = SseParser.parse(sse);
        assertEquals(1, events.size(), sse);
        assertEquals("tool_call", Json.string(events.getFirst().data(), "type"));
        assertEquals("{}", Json.raw(events.getFirst().data(), "tool_input"), "arguments that are not one object");
    }

    @Test
    void prettyPrintedJsonIsCopiedTokenByTokenOntoOneLine() {
        String args = "{\n  \"expression\" :\r\n\r\n \"1+2\",\n\n  \"nested\": [1, {\"k\": \"line\\nbreak\"}]\n}\n";
        String result = "{\n\n  \"temp_c\": 18,\r\n  \"sky\": \"clear\"\n}";
        String sse = encode(new StreamEvent.ToolCall("call_1", "calculator", args), 1)
                + encode(new StreamEvent.ToolResult("call_1", "calculator", result, false), 2);
        assertEquals(6, sse.split("\n", -1).length - 1, "two events of three lines each: " + sse);
        var events = SseParser.parse(sse);
        assertEquals(2, events.size(), sse);
        assertEquals("{\"expression\":\"1+2\",\"nested\":[1,{\"k\":\"line\\nbreak\"}]}",
                Json.raw(events.get(0).data(), "tool_input"));
        assertEquals("{\"temp_c\":18,\"sky\":\"clear\"}", Json.raw(events.get(1).data(), "result"));
    }

    @Test
    void aResultThatIsNotJsonIsWrittenAsAString() {
        String notJson = "oops\n\ndata: {\"type\":\"error\"}";
        var events = SseParser.parse(encode(new StreamEvent.ToolResult("c", "t", notJson, true), 0));
        assertEquals(1, events.size());
        assertEquals(notJson, Json.string(events.getFirst().data(), "result"));
    }

    @Test
    void theLastGuardTurnsStrayLineBreaksIntoSpaces() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            buf.writeCharSequence("data: {\"a\":\r\n1,\n\"b\":2}", StandardCharsets.UTF_8);
            SseEventEncoder.blankLineBreaks(buf, 6);
            assertEquals("data: {\"a\":  1, \"b\":2}", buf.toString(StandardCharsets.UTF_8));
        } finally {
            buf.release();
        }
    }

    @Test
    void completeStateWritesUnknownCountsAsNullAndOmitsUnknownCacheFields() {
        String sse = encode(new StreamEvent.CompleteState("hi", 2, -1, -1, -1, 1, 0.25, "stop", false), 4);
        assertEquals("id: 4\ndata: {\"type\":\"complete_state\",\"timestamp\":1795513167.482,\"sequence\":4,"
                        + "\"final_message\":\"hi\",\"total_tokens\":2,\"prompt_tokens\":null,\"total_chunks\":1,"
                        + "\"elapsed_time\":0.250,\"finish_reason\":\"stop\",\"cached\":false}\n\n", sse);
        String withCache = encode(new StreamEvent.CompleteState("hi", 2, 10, 5, 7, 1, 1.0, "stop", false), 4);
        assertEquals(5, Json.number(dataOf(withCache), "cache_creation_input_tokens"));
        assertEquals(7, Json.number(dataOf(withCache), "cache_read_input_tokens"));
    }

    @Test
    void errorCarriesStableCodeAndRetryable() {
        assertEquals("id: 0\ndata: {\"type\":\"error\",\"timestamp\":1795513167.482,\"sequence\":0,"
                        + "\"code\":\"upstream_timeout\",\"message\":\"slow\",\"retryable\":true}\n\n",
                encode(new StreamEvent.Error(ErrorCode.UPSTREAM_TIMEOUT, "slow", true), 0));
    }

    @Test
    void thinkingCarriesContent() {
        assertEquals("id: 5\ndata: {\"type\":\"thinking\",\"timestamp\":1795513167.482,\"sequence\":5,"
                        + "\"content\":\"hmm\"}\n\n",
                encode(new StreamEvent.Thinking("hmm"), 5));
    }

    private static String dataOf(String sse) {
        SseParser parser = new SseParser();
        parser.feed(sse.getBytes(StandardCharsets.UTF_8));
        return parser.drainEvents().get(0).data();
    }
}
