package io.streamgate.gateway.dropin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.gateway.http.JsonResponses;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.Json;
import io.streamgate.llm.ToolSpec;
import io.streamgate.llm.UpstreamEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Messages request as a neutral {@link ChatRequest}, for an OpenAI-compatible deployment: {@code system} (text or
 * text blocks), user and assistant messages of text, {@code tool_use} and {@code tool_result} blocks, {@code tools}
 * (client tools with an {@code input_schema}), {@code max_tokens} and {@code temperature}.
 *
 * <p>Refused with a 400: image and document blocks, and server tools (a {@code tools} entry with a {@code type}
 * such as {@code web_search_20250305}), which the other dialect cannot carry. Dropped: {@code thinking} and
 * {@code redacted_thinking} blocks in assistant turns (their signatures mean nothing to another provider),
 * {@code cache_control} marks, {@code thinking} settings, {@code top_k}, {@code top_p}, {@code stop_sequences},
 * {@code tool_choice} and {@code metadata}.
 */
final class AnthropicRequestReader {

    private AnthropicRequestReader() {}

    static ChatRequest read(byte[] body, String model) {
        return Reading.readBody(body, p -> {
            List<ChatMessage> messages = new ArrayList<>();
            List<ChatMessage> conversation = null;
            List<ToolSpec> tools = List.of();
            Integer maxTokens = null;
            Double temperature = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "system" -> {
                        String system = text(p, value, "system");
                        if (!system.isEmpty()) {
                            messages.add(ChatMessage.system(system));
                        }
                    }
                    case "messages" -> conversation = messages(p, value);
                    case "tools" -> tools = tools(p, value);
                    case "max_tokens" -> maxTokens = Reading.positiveInt(p, value, field);
                    case "temperature" -> temperature = Reading.number(p, value, field);
                    default -> p.skipChildren();
                }
            }
            if (conversation == null || conversation.isEmpty()) {
                throw new BadRequestException("'messages' must be a non-empty array");
            }
            messages.addAll(conversation);
            return new ChatRequest(model, messages, maxTokens, temperature, tools);
        });
    }

    private static List<ChatMessage> messages(JsonParser p, JsonToken value) throws IOException {
        Reading.expect(value, JsonToken.START_ARRAY, "'messages' must be an array");
        List<ChatMessage> messages = new ArrayList<>();
        Map<String, String> toolNames = new HashMap<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Reading.expect(p.currentToken(), JsonToken.START_OBJECT, "each message must be an object");
            String role = null;
            Blocks blocks = new Blocks();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "role" -> role = Reading.string(p, v, "role");
                    case "content" -> blocks.read(p, v, toolNames);
                    default -> p.skipChildren();
                }
            }
            if ("user".equals(role)) {
                messages.addAll(blocks.toolResults); // results answer the previous turn's calls: they come first
                if (!blocks.text.isEmpty() || blocks.toolResults.isEmpty()) {
                    messages.add(ChatMessage.user(blocks.text.toString()));
                }
            } else if ("assistant".equals(role)) {
                blocks.calls.forEach(c -> toolNames.put(c.id(), c.name()));
                messages.add(ChatMessage.assistant(blocks.text.toString(), blocks.calls));
            } else {
                throw new BadRequestException("a message's 'role' must be user or assistant");
            }
        }
        return messages;
    }

    /** One message's content: its text, the tool calls it made and the tool results it carries. */
    private static final class Blocks {
        final StringBuilder text = new StringBuilder();
        final List<UpstreamEvent.ToolCall> calls = new ArrayList<>();
        final List<ChatMessage> toolResults = new ArrayList<>();

        void read(JsonParser p, JsonToken v, Map<String, String> toolNames) throws IOException {
            if (v == JsonToken.VALUE_STRING) {
                text.append(p.getText());
                return;
            }
            Reading.expect(v, JsonToken.START_ARRAY, "'content' must be a string or an array of blocks");
            while (p.nextToken() != JsonToken.END_ARRAY) {
                Reading.expect(p.currentToken(), JsonToken.START_OBJECT, "each content block must be an object");
                Block b = Block.read(p);
                switch (b.type) {
                    case "text" -> text.append(b.text);
                    case "tool_use" -> {
                        if (b.id == null || b.name == null) {
                            throw new BadRequestException("a tool_use block needs an 'id' and a 'name'");
                        }
                        calls.add(new UpstreamEvent.ToolCall(b.id, b.name, b.input));
                    }
                    case "tool_result" -> {
                        if (b.toolUseId == null) {
                            throw new BadRequestException("a tool_result block needs a 'tool_use_id'");
                        }
                        String content = b.isError ? "{\"error\":" + quote(b.text) + "}" : b.text;
                        toolResults.add(ChatMessage.toolResult(
                                b.toolUseId, toolNames.getOrDefault(b.toolUseId, "tool"), content));
                    }
                    case "thinking", "redacted_thinking" -> { } // another provider's signatures are meaningless
                    default -> throw new BadRequestException("content blocks of type '" + Reading.excerpt(b.type)
                            + "' cannot be carried across to this model");
                }
            }
        }
    }

    /** One content block, as far as it can be carried across. */
    private static final class Block {
        String type = "";
        String text = "";
        String id;
        String name;
        String input = "{}";
        String toolUseId;
        boolean isError;

        static Block read(JsonParser p) throws IOException {
            Block b = new Block();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "type" -> b.type = Reading.string(p, v, "content[].type");
                    case "text" -> b.text = Reading.string(p, v, "content[].text");
                    case "content" -> b.text = text(p, v, "tool_result.content");
                    case "id" -> b.id = Reading.string(p, v, "content[].id");
                    case "name" -> b.name = Reading.string(p, v, "content[].name");
                    case "input" -> b.input = Reading.object(p, v, "tool_use.input");
                    case "tool_use_id" -> b.toolUseId = Reading.string(p, v, "tool_result.tool_use_id");
                    case "is_error" -> b.isError = v == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
            return b;
        }
    }

    /** A string, or an array of text blocks joined (system prompts and tool results take either). */
    private static String text(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v == JsonToken.VALUE_NULL) {
            return "";
        }
        Reading.expect(v, JsonToken.START_ARRAY, "'" + field + "' must be a string or an array of text blocks");
        StringBuilder text = new StringBuilder();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Reading.expect(p.currentToken(), JsonToken.START_OBJECT, "each block of '" + field + "' must be an object");
            Block b = Block.read(p);
            if (!b.type.equals("text")) {
                throw new BadRequestException("blocks of type '" + Reading.excerpt(b.type) + "' in '" + field
                        + "' cannot be carried across to this model");
            }
            text.append(b.text);
        }
        return text.toString();
    }

    private static List<ToolSpec> tools(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return List.of();
        }
        Reading.expect(v, JsonToken.START_ARRAY, "'tools' must be an array");
        List<ToolSpec> tools = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Reading.expect(p.currentToken(), JsonToken.START_OBJECT, "each tool must be an object");
            String[] tool = {null, "", null, null}; // name, description, input_schema, type
            Json.readObject(p, p.currentToken(), (field, value) -> {
                switch (field) {
                    case "name" -> tool[0] = Reading.string(p, value, "tools[].name");
                    case "description" -> tool[1] = Reading.string(p, value, "tools[].description");
                    case "input_schema" -> tool[2] = Reading.object(p, value, "tools[].input_schema");
                    case "type" -> tool[3] = Reading.string(p, value, "tools[].type");
                    default -> p.skipChildren();
                }
            });
            if (tool[3] != null && !tool[3].equals("custom")) {
                throw new BadRequestException("server tools ('" + Reading.excerpt(tool[3])
                        + "') cannot be carried across to this model");
            }
            if (tool[0] == null || tool[2] == null) {
                throw new BadRequestException("each tool needs a 'name' and an 'input_schema'");
            }
            tools.add(new ToolSpec(tool[0], tool[1], tool[2]));
        }
        return tools;
    }

    private static String quote(String text) throws IOException {
        StringWriter json = new StringWriter();
        try (JsonGenerator g = JsonResponses.JSON.createGenerator(json)) {
            g.writeString(text);
        }
        return json.toString();
    }
}
