package io.streamgate.gateway.dropin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.Json;
import io.streamgate.llm.ToolSpec;
import io.streamgate.llm.UpstreamEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Chat Completions request as a neutral {@link ChatRequest}, for an Anthropic deployment: system and developer
 * messages, user text, assistant text with its {@code tool_calls}, {@code tool} results, {@code tools} (functions),
 * {@code max_tokens} / {@code max_completion_tokens} and {@code temperature}.
 *
 * <p>What has no neutral form is refused with a 400 rather than dropped where dropping would change the answer:
 * non-text content parts (images, audio, files) and {@code n} above 1. Sampling and formatting options the neutral
 * request does not carry ({@code top_p}, {@code stop}, {@code tool_choice}, {@code response_format}, {@code seed},
 * {@code logprobs}, …) are ignored.
 */
final class OpenAiRequestReader {

    private OpenAiRequestReader() {}

    static ChatRequest read(byte[] body, String model) {
        return Reading.readBody(body, p -> {
            List<ChatMessage> messages = null;
            List<ToolSpec> tools = List.of();
            Integer maxTokens = null;
            Double temperature = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "messages" -> messages = messages(p, value);
                    case "tools" -> tools = tools(p, value);
                    case "max_tokens", "max_completion_tokens" -> maxTokens = Reading.positiveInt(p, value, field);
                    case "temperature" -> temperature = Reading.number(p, value, field);
                    case "n" -> {
                        if (value != JsonToken.VALUE_NULL && (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() != 1)) {
                            throw new BadRequestException("'n' other than 1 cannot be carried across to this model");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (messages == null || messages.isEmpty()) {
                throw new BadRequestException("'messages' must be a non-empty array");
            }
            return new ChatRequest(model, messages, maxTokens, temperature, tools);
        });
    }

    private static List<ChatMessage> messages(JsonParser p, JsonToken value) throws IOException {
        Reading.expect(value, JsonToken.START_ARRAY, "'messages' must be an array");
        List<ChatMessage> messages = new ArrayList<>();
        Map<String, String> toolNames = new HashMap<>(); // tool call id → function name, to name tool results
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Reading.expect(p.currentToken(), JsonToken.START_OBJECT, "each message must be an object");
            String role = null;
            String content = "";
            String toolCallId = null;
            List<UpstreamEvent.ToolCall> calls = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "role" -> role = Reading.string(p, v, "role");
                    case "content" -> content = content(p, v);
                    case "tool_call_id" -> toolCallId = Reading.string(p, v, "tool_call_id");
                    case "tool_calls" -> calls = toolCalls(p, v);
                    default -> p.skipChildren();
                }
            }
            if (role == null) {
                throw new BadRequestException("each message needs a 'role'");
            }
            switch (role) {
                case "system", "developer" -> messages.add(ChatMessage.system(content));
                case "user" -> messages.add(ChatMessage.user(content));
                case "assistant" -> {
                    calls.forEach(c -> toolNames.put(c.id(), c.name()));
                    messages.add(ChatMessage.assistant(content, calls));
                }
                case "tool" -> {
                    if (toolCallId == null) {
                        throw new BadRequestException("a tool message needs 'tool_call_id'");
                    }
                    messages.add(ChatMessage.toolResult(toolCallId, toolNames.getOrDefault(toolCallId, "tool"), content));
                }
                default -> throw new BadRequestException("unknown message role '" + Reading.excerpt(role) + "'");
            }
        }
        return messages;
    }

    /** A string, null, or an array of parts of which only text parts can be carried across. */
    private static String content(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> "";
            case START_ARRAY -> {
                StringBuilder text = new StringBuilder();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    Reading.expect(p.currentToken(), JsonToken.START_OBJECT, "each content part must be an object");
                    String type = null;
                    String partText = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken t = p.nextToken();
                        switch (field) {
                            case "type" -> type = Reading.string(p, t, "content[].type");
                            case "text" -> partText = Reading.string(p, t, "content[].text");
                            default -> p.skipChildren();
                        }
                    }
                    if (!"text".equals(type) || partText == null) {
                        throw new BadRequestException("content parts of type '" + Reading.excerpt(String.valueOf(type))
                                + "' cannot be carried across to this model; only text parts can");
                    }
                    text.append(partText);
                }
                yield text.toString();
            }
            default -> throw new BadRequestException("'content' must be a string, null or an array of parts");
        };
    }

    private static List<UpstreamEvent.ToolCall> toolCalls(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return List.of();
        }
        Reading.expect(v, JsonToken.START_ARRAY, "'tool_calls' must be an array");
        List<UpstreamEvent.ToolCall> calls = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Reading.expect(p.currentToken(), JsonToken.START_OBJECT, "each tool call must be an object");
            String id = null;
            String[] function = {null, "{}"};
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> id = Reading.string(p, t, "tool_calls[].id");
                    case "function" -> Json.readObject(p, t, (name, value) -> {
                        switch (name) {
                            case "name" -> function[0] = Reading.string(p, value, "tool_calls[].function.name");
                            case "arguments" -> function[1] = Reading.string(p, value, "tool_calls[].function.arguments");
                            default -> p.skipChildren();
                        }
                    });
                    default -> p.skipChildren();
                }
            }
            if (id == null || function[0] == null) {
                throw new BadRequestException("each tool call needs an 'id' and a 'function.name'");
            }
            calls.add(new UpstreamEvent.ToolCall(id, function[0], Reading.argumentsObject(function[1])));
        }
        return calls;
    }

    private static List<ToolSpec> tools(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return List.of();
        }
        Reading.expect(v, JsonToken.START_ARRAY, "'tools' must be an array");
        List<ToolSpec> tools = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Reading.expect(p.currentToken(), JsonToken.START_OBJECT, "each tool must be an object");
            String type = "function";
            String[] function = {null, "", "{\"type\":\"object\"}"};
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "type" -> type = Reading.string(p, t, "tools[].type");
                    case "function" -> Json.readObject(p, t, (name, value) -> {
                        switch (name) {
                            case "name" -> function[0] = Reading.string(p, value, "tools[].function.name");
                            case "description" -> function[1] = Reading.string(p, value, "tools[].function.description");
                            case "parameters" -> function[2] = Reading.object(p, value, "tools[].function.parameters");
                            default -> p.skipChildren();
                        }
                    });
                    default -> p.skipChildren();
                }
            }
            if (!type.equals("function") || function[0] == null) {
                throw new BadRequestException("only function tools with a name can be carried across to this model");
            }
            tools.add(new ToolSpec(function[0], function[1], function[2]));
        }
        return tools;
    }
}
