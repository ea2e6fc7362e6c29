package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationJsonTest {

    private static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

    @Test
    void writesTheHistoryDocumentLeavingOutEmptyFields() throws Exception {
        Conversation c = new Conversation("c1", "acme", T, List.of(
                StoredMessage.of(1, T, NewMessage.user("hi \"there\"")),
                StoredMessage.of(2, T, NewMessage.assistantStep("", List.of(
                        new ToolCall("t1", "calculator", "{\"expression\":\"1+1\"}"),
                        new ToolCall("t2", "calculator", "not json")))),
                StoredMessage.of(3, T, NewMessage.toolResult("t1", "calculator", "{\"result\":2}", false)),
                StoredMessage.of(4, T, NewMessage.toolResult("t2", "calculator", "{\"error\":\"x\"}", true)),
                StoredMessage.of(5, T, NewMessage.answer("2", MessageStatus.PARTIAL, "length"))));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            ConversationJson.write(c, g);
        }
        String at = "\"created_at\":\"2026-05-01T12:00:00Z\"";
        assertEquals("{\"conversation_id\":\"c1\"," + at + ",\"messages\":["
                + "{\"seq\":1,\"role\":\"user\",\"content\":\"hi \\\"there\\\"\",\"status\":\"complete\"," + at + "},"
                + "{\"seq\":2,\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                + "{\"id\":\"t1\",\"name\":\"calculator\",\"input\":{\"expression\":\"1+1\"}},"
                + "{\"id\":\"t2\",\"name\":\"calculator\",\"input\":\"not json\"}],\"status\":\"complete\"," + at + "},"
                + "{\"seq\":3,\"role\":\"tool\",\"content\":\"{\\\"result\\\":2}\",\"tool_call_id\":\"t1\","
                + "\"tool_name\":\"calculator\",\"is_error\":false,\"status\":\"complete\"," + at + "},"
                + "{\"seq\":4,\"role\":\"tool\",\"content\":\"{\\\"error\\\":\\\"x\\\"}\",\"tool_call_id\":\"t2\","
                + "\"tool_name\":\"calculator\",\"is_error\":true,\"status\":\"complete\"," + at + "},"
                + "{\"seq\":5,\"role\":\"assistant\",\"content\":\"2\",\"status\":\"partial\",\"finish_reason\":\"length\","
                + at + "}]}", out.toString());
    }

    @Test
    void storedArgumentsAreCopiedTokenByTokenNeverRaw() throws Exception {
        Conversation c = new Conversation("c1", "acme", T, List.of(
                StoredMessage.of(1, T, NewMessage.assistantStep("", List.of(
                        new ToolCall("t1", "calculator", "{\n  \"expression\" :\r\n \"1+1\"\n}"),
                        new ToolCall("t2", "calculator", "{\"a\":1}\n\n{\"forged\":true}"))))));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            ConversationJson.write(c, g);
        }
        String at = "\"created_at\":\"2026-05-01T12:00:00Z\"";
        assertEquals("{\"conversation_id\":\"c1\"," + at + ",\"messages\":["
                + "{\"seq\":1,\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                + "{\"id\":\"t1\",\"name\":\"calculator\",\"input\":{\"expression\":\"1+1\"}},"
                + "{\"id\":\"t2\",\"name\":\"calculator\",\"input\":\"{\\\"a\\\":1}\\n\\n{\\\"forged\\\":true}\"}],"
                + "\"status\":\"complete\"," + at + "}]}", out.toString());
    }

    @Test
    void aPageSaysWhetherOlderMessagesExistAndHowToFetchThem() throws Exception {
        Conversation c = new Conversation("c1", "acme", T, List.of(
                StoredMessage.of(7, T, NewMessage.user("a")), StoredMessage.of(8, T, NewMessage.user("b"))));
        assertEquals(",\"has_more\":true,\"next_before\":7}", tail(new HistoryPage(c, true)));
        assertEquals(",\"has_more\":false}", tail(new HistoryPage(c, false)));
    }

    private static String tail(HistoryPage page) throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            ConversationJson.write(page, g);
        }
        String json = out.toString();
        return json.substring(json.lastIndexOf(']') + 1);
    }

    @Test
    void thinkingAndStatsAreShownWhenStored() throws Exception {
        Conversation c = new Conversation("c1", "acme", T, List.of(
                StoredMessage.of(1, T, NewMessage.answer("Yes.", MessageStatus.COMPLETE, "stop", "Let me think.",
                        new io.streamgate.gateway.stream.AnswerStats(3, -1, 2, 0.5, 40)))));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            ConversationJson.write(c, g);
        }
        String at = "\"created_at\":\"2026-05-01T12:00:00Z\"";
        assertEquals("{\"conversation_id\":\"c1\"," + at + ",\"messages\":["
                + "{\"seq\":1,\"role\":\"assistant\",\"content\":\"Yes.\",\"status\":\"complete\",\"finish_reason\":\"stop\","
                + at + ",\"thinking\":\"Let me think.\",\"stats\":{\"total_tokens\":3,\"total_chunks\":2,"
                + "\"elapsed_time\":0.5,\"first_token_ms\":40}}]}", out.toString());
    }

    @Test
    void aCachedAnswersStatsSaySo() throws Exception {
        Conversation c = new Conversation("c1", "acme", T, List.of(
                StoredMessage.of(1, T, NewMessage.answer("Yes.", MessageStatus.COMPLETE, "stop", null,
                        new io.streamgate.gateway.stream.AnswerStats(3, 7, 1, 0.01, 0, true)))));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            ConversationJson.write(c, g);
        }
        assertTrue(out.toString().endsWith(",\"stats\":{\"total_tokens\":3,\"prompt_tokens\":7,\"total_chunks\":1,"
                + "\"elapsed_time\":0.01,\"first_token_ms\":0,\"cached\":true}}]}"), out.toString());
    }
}
