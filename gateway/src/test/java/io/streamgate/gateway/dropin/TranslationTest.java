package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streamgate.gateway.routing.Dialect;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ToolSpec;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests into the neutral form and neutral events out in each dialect. */
class TranslationTest {

    private static ChatRequest openAi(String body) {
        return OpenAiRequestReader.read(body.getBytes(StandardCharsets.UTF_8), "claude-x");
    }

    private static ChatRequest anthropic(String body) {
        return AnthropicRequestReader.read(body.getBytes(StandardCharsets.UTF_8), "gpt-x");
    }

    @Test
    void anOpenAiConversationWithToolsBecomesNeutral() {
        ChatRequest r = openAi("{\"model\":\"a\",\"max_completion_tokens\":50,\"temperature\":0.2,\"messages\":["
                + "{\"role\":\"developer\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"2+2?\"}]},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"calculator\",\"arguments\":\"{\\\"expression\\\":\\\"2+2\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"4\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"calculator\",\"description\":\"math\","
                + "\"parameters\":{\"type\":\"object\"}}}],\"top_p\":0.9}");
        assertEquals("claude-x", r.model());
        assertEquals(50, r.maxTokens());
        assertEquals(0.2, r.temperature());
        assertEquals(List.of(
                ChatMessage.system("be brief"),
                ChatMessage.user("2+2?"),
                ChatMessage.assistant("", List.of(new UpstreamEvent.ToolCall("call_1", "calculator",
                        "{\"expression\":\"2+2\"}"))),
                ChatMessage.toolResult("call_1", "calculator", "4")), r.messages());
        assertEquals(List.of(new ToolSpec("calculator", "math", "{\"type\":\"object\"}")), r.tools());
    }

    @Test
    void openAiContentWithoutANeutralFormIsRefused() {
        for (String body : new String[] {
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}",
            "{\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"messages\":[]}",
            "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}",
            "{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\","
                    + "\"arguments\":\"[1]\"}}]}]}"}) {
            assertThrows(BadRequestException.class, () -> openAi(body), body);
        }
    }

    @Test
    void anAnthropicConversationWithToolsBecomesNeutral() {
        ChatRequest r = anthropic("{\"model\":\"a\",\"max_tokens\":64,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"be brief\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"messages\":["
                + "{\"role\":\"user\",\"content\":\"2+2?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hm\",\"signature\":\"s\"},"
                + "{\"type\":\"text\",\"text\":\"Let me check.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"calculator\",\"input\":{\"expression\":\"2+2\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"4\"}]},{\"type\":\"text\",\"text\":\"thanks\"}]}],"
                + "\"tools\":[{\"name\":\"calculator\",\"description\":\"math\",\"input_schema\":{\"type\":\"object\"}}]}");
        assertEquals(64, r.maxTokens());
        assertEquals(List.of(
                ChatMessage.system("be brief"),
                ChatMessage.user("2+2?"),
                ChatMessage.assistant("Let me check.", List.of(new UpstreamEvent.ToolCall("toolu_1", "calculator",
                        "{\"expression\":\"2+2\"}"))),
                ChatMessage.toolResult("toolu_1", "calculator", "4"),
                ChatMessage.user("thanks")), r.messages());
        assertEquals(List.of(new ToolSpec("calculator", "math", "{\"type\":\"object\"}")), r.tools());
    }

    @Test
    void anthropicContentWithoutANeutralFormIsRefused() {
        for (String body : new String[] {
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{}}]}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"web_search_20250305\","
                    + "\"name\":\"web_search\"}]}",
            "{\"messages\":[{\"role\":\"system\",\"content\":\"hi\"}]}",
            "{\"messages\":[]}"}) {
            assertThrows(BadRequestException.class, () -> anthropic(body), body);
        }
    }

    private static String encode(StreamEncoder encoder, UpstreamEvent... events) throws Exception {
        ByteBuf out = Unpooled.buffer();
        try {
            for (UpstreamEvent e : events) {
                encoder.encode(e, out);
            }
            return out.toString(StandardCharsets.UTF_8)
                    .replaceAll("\"id\":\"(chatcmpl-|msg_)[0-9a-f]{24}\"", "\"id\":\"ID\"")
                    .replaceAll("\"created\":\\d+", "\"created\":0");
        } finally {
            out.release();
        }
    }

    private static final UpstreamEvent[] ANSWER = {
        new UpstreamEvent.ThinkingDelta("hm"),
        new UpstreamEvent.TextDelta("He said \"hi\"\n\ndata: [DONE]\n\n"),
        new UpstreamEvent.ToolCall("toolu_1", "calculator", "{\"expression\":\"2+2\"}"),
        new UpstreamEvent.Completed("tool_calls", new Usage(10, 5, 2, 3)),
    };

    @Test
    void neutralEventsAsAnOpenAiChunkStream() throws Exception {
        String env = "{\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"gpt-x\",\"choices\":"
                + "[{\"index\":0,\"delta\":";
        String end = ",\"logprobs\":null,\"finish_reason\":null}]}\n\n";
        assertEquals("data: " + env + "{\"role\":\"assistant\",\"content\":\"\"}" + end
                + "data: " + env + "{\"reasoning_content\":\"hm\"}" + end
                + "data: " + env + "{\"content\":\"He said \\\"hi\\\"\\n\\ndata: [DONE]\\n\\n\"}" + end
                + "data: " + env + "{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"calculator\",\"arguments\":\"\"}}]}" + end
                + "data: " + env + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                + "\"{\\\"expression\\\":\\\"2+2\\\"}\"}}]}" + end
                + "data: " + env + "{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: {\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"gpt-x\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":15,\"completion_tokens\":5,\"total_tokens\":20,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":3}}}\n\n"
                + "data: [DONE]\n\n",
                encode(new OpenAiWire("gpt-x", true, Dialect.ANTHROPIC), ANSWER));
    }

    @Test
    void neutralEventsAsAnAnthropicEventStream() throws Exception {
        assertEquals("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"ID\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":0,\"output_tokens\":0}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":\"He said \\\"hi\\\"\\n\\ndata: [DONE]\\n\\n\"}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"calculator\",\"input\":{}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":"
                + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"expression\\\":\\\"2+2\\\"}\"}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                + "\"stop_sequence\":null},\"usage\":{\"input_tokens\":7,\"output_tokens\":5,"
                + "\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":3}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
                encode(new AnthropicWire("claude-x", Dialect.OPENAI), ANSWER));
    }

    @Test
    void toolArgumentsThatAreNotAnObjectCannotBeCarriedToAnAnthropicClient() {
        assertThrows(IllegalArgumentException.class, () -> encode(new AnthropicWire("c", Dialect.OPENAI),
                new UpstreamEvent.ToolCall("c1", "f", "[1,2]")));
    }

    @Test
    void finishReasonsInEachDialect() {
        assertEquals("end_turn", FinishReasons.anthropic("stop"));
        assertEquals("max_tokens", FinishReasons.anthropic("length"));
        assertEquals("tool_use", FinishReasons.anthropic("tool_calls"));
        assertEquals("refusal", FinishReasons.anthropic("content_filter"));
        assertEquals("content_filter", FinishReasons.openAi("refusal"));
        assertEquals("stop", FinishReasons.openAi("pause_turn"));
        assertTrue(List.of("stop", "length", "tool_calls").stream().allMatch(r -> FinishReasons.openAi(r).equals(r)));
    }
}
