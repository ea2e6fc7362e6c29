package io.streamgate.gateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.gateway.stream.SseEventEncoder;
import io.streamgate.gateway.stream.StreamEvent;
import io.streamgate.gateway.testing.Json;
import io.streamgate.gateway.testing.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Whatever a model writes as arguments or a tool returns as a result, its event is exactly one SSE event with one
 * {@code data} line of well-formed JSON, whose {@code tool_input} is an object; and the text, logged, is one line of
 * printable ASCII.
 *
 * <p>{@code make test} replays the kept corpus (forged events, pretty-printed JSON, line breaks of every kind);
 * {@code JAZZER_FUZZ=1 mvn -pl gateway test -Dtest=ToolEventEncodingFuzzTest} fuzzes anew.
 */
class ToolEventEncodingFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void encodesAsOneEvent(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        String call = encode(new StreamEvent.ToolCall("call_1", "calculator", text));
        String tagged = Json.raw(only(call), "tool_input");
        if (tagged == null || !tagged.startsWith("{")) {
            throw new AssertionError("tool_input is not an object: " + call);
        }
        only(encode(new StreamEvent.ToolResult("call_1", "calculator", text, false)));
        String logged = LogValue.of(text);
        if (!logged.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new AssertionError("a logged value is not printable ASCII: " + logged);
        }
    }

    private static String encode(StreamEvent event) {
        ByteBuf out = Unpooled.buffer();
        try {
            SseEventEncoder.encode(event, 7, 1_795_513_167_482L, out);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    /** The data of the one event {@code sse} holds, which must be three lines: id, data, blank. */
    private static String only(String sse) {
        List<SseParser.Event> events = SseParser.parse(sse);
        long lineBreaks = sse.chars().filter(c -> c == '\n' || c == '\r').count();
        if (events.size() != 1 || lineBreaks != 3) {
            throw new AssertionError("not exactly one event on one data line: " + sse);
        }
        Json.has(events.getFirst().data(), "type"); // throws unless the data is well-formed JSON
        return events.getFirst().data();
    }
}
