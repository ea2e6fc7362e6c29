package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two forms of an event (a byte slice from the Netty framer, text from okhttp-sse) read alike. */
class SseEventTest {

    private static List<SseEvent> both(String type, String data) {
        return List.of(SseEvents.utf8(type, data), SseEvent.of(type, data));
    }

    @Test
    void namesAreMatchedAndKnownOnesAreNotBuilt() {
        for (SseEvent event : both("content_block_delta", "{}")) {
            assertTrue(event.typeIs("content_block_delta"));
            assertFalse(event.typeIs("content_block"));
            assertEquals("content_block_delta", event.type());
            assertSame("message_stop", SseEvents.utf8("message_stop", "{}").type("ping", "message_stop"));
        }
        for (SseEvent event : both(null, "{}")) {
            assertFalse(event.typeIs(""));
            assertNull(event.type("ping"));
        }
        assertNull(SseEvents.utf8("", "{}").type(), "an empty name is no name");
        assertEquals("ünknown", SseEvents.utf8("ünknown", "{}").type("ping"));
    }

    @Test
    void theDataIsComparedWithoutTheWhitespaceAroundIt() {
        for (String data : List.of("[DONE]", " [DONE]\n", "\t[DONE] ")) {
            for (SseEvent event : both(null, data)) {
                assertTrue(event.dataIs("[DONE]"), data);
            }
        }
        for (String data : List.of("[DONE", "[DONE]x", "", "[done]")) {
            for (SseEvent event : both(null, data)) {
                assertFalse(event.dataIs("[DONE]"), data);
            }
        }
    }

    @Test
    void theDataParsesAsJsonFromEitherForm() throws IOException {
        String data = "{\"text\":\"héllo €\"}";
        for (SseEvent event : both(null, data)) {
            assertEquals(data, event.dataText());
            try (JsonParser p = event.jsonParser()) {
                assertEquals(JsonToken.START_OBJECT, p.nextToken());
                assertEquals(JsonToken.FIELD_NAME, p.nextToken());
                assertEquals(JsonToken.VALUE_STRING, p.nextToken());
                assertEquals("héllo €", p.getText());
                assertEquals(JsonToken.END_OBJECT, p.nextToken());
                assertNull(p.nextToken(), "the slice ends where the event does");
            }
        }
    }
}
