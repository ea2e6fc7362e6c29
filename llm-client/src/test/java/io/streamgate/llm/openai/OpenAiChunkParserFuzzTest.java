package io.streamgate.llm.openai;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamgate.llm.SseEvent;
import io.streamgate.llm.UpstreamEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile {@code data:} payloads must never crash the delta parser: each one is parsed, or reported as an
 * {@code IOException} (which the call turns into one {@code error} event). At most one terminal event comes out.
 *
 * <p>{@code make test} replays the kept corpus (in {@code src/test/resources/.../OpenAiChunkParserFuzzTestInputs});
 * {@code JAZZER_FUZZ=1 mvn -pl llm-client test -Dtest=OpenAiChunkParserFuzzTest} fuzzes anew.
 */
class OpenAiChunkParserFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parsesAnyPayloadOrRejectsIt(byte[] input) {
        List<UpstreamEvent> events = new ArrayList<>();
        OpenAiChunkParser parser = new OpenAiChunkParser(e -> events.add(e));
        try {
            // Up to 8 events, split at LF, read from the raw bytes as the transports hand them over (so also bytes
            // that are not UTF-8).
            int start = 0;
            for (int piece = 0; piece < 8 && start <= input.length; piece++) {
                int end = piece == 7 ? input.length : lineEnd(input, start);
                if (!parser.onEvent(new SseEvent().set(null, 0, input, start, end - start))) {
                    break;
                }
                start = end + 1;
            }
        } catch (IOException expected) {
            return; // malformed JSON is reported, not thrown past the adapter
        }
        long terminals = events.stream().filter(UpstreamEvent::isTerminal).count();
        if (terminals > 1) {
            throw new AssertionError("more than one terminal event: " + events);
        }
    }

    private static int lineEnd(byte[] input, int from) {
        int end = from;
        while (end < input.length && input[end] != '\n') {
            end++;
        }
        return end;
    }
}
