package io.streamgate.gateway.simulator;

import static io.streamgate.gateway.simulator.SimJsonReading.requireString;
import static io.streamgate.gateway.simulator.SimJsonReading.stringOrNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads an Anthropic Messages request body into the same {@link SimRequest} a Chat Completions request makes, so the
 * simulator answers both dialects by the same rules. A user turn made only of {@code tool_result} blocks counts as
 * the conversation ending with tool results; the results are named by the {@code tool_use} blocks that asked for
 * them.
 */
final class AnthropicSimRequestParser {

    private final JsonFactory json;

    AnthropicSimRequestParser(JsonFactory json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** @throws InvalidRequestException when the body is not JSON or breaks the request's contract */
    SimRequest parse(InputStream body) {
        return SimJsonReading.readObject(json, body, p -> {
            String model = SimRequest.DEFAULT_MODEL;
            Conversation conversation = null;
            Set<String> tools = Set.of();
            boolean stream = false;
            OptionalInt maxTokens = OptionalInt.empty();
            int systemWords = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> model = requireString(p, value, "model");
                    case "messages" -> conversation = messages(p, value);
                    case "system" -> systemWords = SimulatedText.countWords(text(p, value).text.toString());
                    case "tools" -> tools = toolNames(p, value);
                    case "stream" -> stream = value == JsonToken.VALUE_TRUE;
                    case "max_tokens" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 1) {
                            throw new InvalidRequestException("'max_tokens' must be a positive integer");
                        }
                        maxTokens = OptionalInt.of((int) Math.min(p.getLongValue(), Integer.MAX_VALUE));
                    }
                    default -> p.skipChildren();
                }
            }
            if (conversation == null) {
                throw new InvalidRequestException("'messages' is required");
            }
            return new SimRequest(model, conversation.lastRole, conversation.lastUser, conversation.toolResults, tools,
                    conversation.words + systemWords, stream, maxTokens);
        });
    }

    private static final class Conversation {
        String lastRole = "";
        String lastUser = "";
        List<SimRequest.ToolResult> toolResults = List.of();
        int words;
    }

    /** A message's content: its text, the tool calls it made and the tool results it carries. */
    private static final class Content {
        final StringBuilder text = new StringBuilder();
        final Map<String, String> calls = new HashMap<>();
        final List<String[]> results = new ArrayList<>(); // tool_use_id, content
    }

    private static Conversation messages(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new InvalidRequestException("'messages' must be an array");
        }
        Conversation c = new Conversation();
        Map<String, String> callNames = new HashMap<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequestException("each message must be an object");
            }
            String role = "";
            Content content = new Content();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "role" -> role = requireString(p, v, "role");
                    case "content" -> content = text(p, v);
                    default -> p.skipChildren();
                }
            }
            c.words += SimulatedText.countWords(content.text.toString());
            callNames.putAll(content.calls);
            if (role.equals("user") && !content.results.isEmpty() && content.text.isEmpty()) {
                c.lastRole = "tool";
                List<SimRequest.ToolResult> results = new ArrayList<>();
                for (String[] r : content.results) {
                    results.add(new SimRequest.ToolResult(r[0], callNames.getOrDefault(r[0], ""), r[1]));
                }
                c.toolResults = results;
            } else {
                c.lastRole = role;
                c.toolResults = List.of();
                if (role.equals("user")) {
                    c.lastUser = content.text.toString();
                }
            }
        }
        return c;
    }

    /** A string, or an array of blocks: text joined, tool_use and tool_result blocks collected. */
    private static Content text(JsonParser p, JsonToken v) throws IOException {
        Content content = new Content();
        if (v == JsonToken.VALUE_STRING) {
            content.text.append(p.getText());
            return content;
        }
        if (v != JsonToken.START_ARRAY) {
            throw new InvalidRequestException("'content' must be a string or an array of blocks");
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String type = "";
            String text = null;
            String id = null;
            String name = null;
            String toolUseId = null;
            String result = "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "type" -> type = requireString(p, t, "type");
                    case "text" -> text = stringOrNull(p, t);
                    case "id" -> id = stringOrNull(p, t);
                    case "name" -> name = stringOrNull(p, t);
                    case "tool_use_id" -> toolUseId = stringOrNull(p, t);
                    case "content" -> result = text(p, t).text.toString();
                    default -> p.skipChildren();
                }
            }
            switch (type) {
                case "text" -> content.text.append(content.text.isEmpty() ? "" : "\n").append(text == null ? "" : text);
                case "tool_use" -> {
                    if (id != null && name != null) {
                        content.calls.put(id, name);
                    }
                }
                case "tool_result" -> {
                    if (toolUseId != null) {
                        content.results.add(new String[] {toolUseId, result});
                    }
                }
                default -> { }
            }
        }
        return content;
    }

    private static Set<String> toolNames(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("name") && t == JsonToken.VALUE_STRING) {
                    names.add(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
        return names;
    }
}
