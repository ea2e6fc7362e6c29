package io.streamgate.llm.openai;

import com.code_intelligence.jazzer.junit.FuzzTest;
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
        String data = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        try {
            for (String piece : data.split("\n", 8)) {
                if (!parser.onEvent(null, piece)) {
                    break;
                }
            }
        } catch (IOException expected) {
            return; // malformed JSON is reported, not thrown past the adapter
        }
        long terminals = events.stream().filter(UpstreamEvent::isTerminal).count();
        if (terminals > 1) {
            throw new AssertionError("more than one terminal event: " + events);
        }
    }
}
