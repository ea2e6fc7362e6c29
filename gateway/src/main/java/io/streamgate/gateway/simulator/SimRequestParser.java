package io.streamgate.gateway.simulator;

import static io.streamgate.gateway.simulator.SimJsonReading.requireString;
import static io.streamgate.gateway.simulator.SimJsonReading.skip;
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
 * Reads a Chat Completions request body with jackson-core's streaming parser.
 *
 * <p>Streaming rather than data binding keeps the gateway free of jackson-databind and of
 * reflection, and lets the parser skip fields it does not need without building them.
 */
final class SimRequestParser {

    private final JsonFactory json;

    SimRequestParser(JsonFactory json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /**
     * Parses one request body.
     *
     * @throws InvalidRequestException when the body is not JSON or breaks the request's contract
     */
    SimRequest parse(InputStream body) {
        return SimJsonReading.readObject(json, body, p -> {
            String model = SimRequest.DEFAULT_MODEL;
            Messages messages = null;
            Set<String> tools = Set.of();
            boolean stream = false;
            OptionalInt maxTokens = OptionalInt.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> model = requireString(p, value, "model");
                    case "messages" -> messages = readMessages(p, value);
                    case "tools" -> tools = readToolNames(p, value);
                    case "stream" -> stream = readStream(value);
                    case "max_tokens", "max_completion_tokens" -> maxTokens = readMaxTokens(p, value, field);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new InvalidRequestException("request body must be exactly one JSON object");
            }
            if (messages == null) {
                throw new InvalidRequestException("'messages' is required");
            }
            return new SimRequest(model, messages.lastRole, messages.lastUser, messages.trailingToolResults,
                    tools, messages.words, stream, maxTokens);
        });
    }

    /** What the simulator keeps of the message list. */
    private record Messages(String lastRole, String lastUser, List<SimRequest.ToolResult> trailingToolResults, int words) {}

    /** One message, as far as the simulator reads it. */
    private record Message(String role, String content, String toolCallId, String name,
                           Map<String, String> toolCallNames) {}

    private static Messages readMessages(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new InvalidRequestException("'messages' must be an array");
        }
        String lastRole = "";
        String lastUser = "";
        int words = 0;
        Map<String, String> callNames = new HashMap<>();
        List<SimRequest.ToolResult> trailing = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Message m = readMessage(p);
            words += SimulatedText.countWords(m.content());
            callNames.putAll(m.toolCallNames());
            lastRole = m.role();
            if (!"tool".equals(m.role())) {
                trailing.clear();
            }
            switch (m.role()) {
                case "user" -> lastUser = m.content();
                case "tool" -> trailing.add(new SimRequest.ToolResult(m.toolCallId(),
                        callNames.getOrDefault(m.toolCallId(), m.name()), m.content()));
                default -> { }
            }
        }
        return new Messages(lastRole, lastUser, trailing, words);
    }

    private static Message readMessage(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new InvalidRequestException("each message must be an object");
        }
        String role = "";
        String content = "";
        String toolCallId = "";
        String name = "";
        Map<String, String> toolCallNames = Map.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "role" -> role = requireString(p, v, "role");
                case "content" -> content = readContent(p, v);
                case "tool_call_id" -> toolCallId = requireString(p, v, "tool_call_id");
                case "name" -> name = Objects.requireNonNullElse(stringOrNull(p, v), "");
                case "tool_calls" -> toolCallNames = readToolCallNames(p, v);
                default -> p.skipChildren();
            }
        }
        return new Message(role, content, toolCallId, name, toolCallNames);
    }

    /** An assistant message's {@code tool_calls}: call id to function name, so results can be named. */
    private static Map<String, String> readToolCallNames(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (v != JsonToken.START_ARRAY) {
            throw new InvalidRequestException("'tool_calls' must be an array");
        }
        Map<String, String> names = new HashMap<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String id = null;
            String name = null;
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequestException("each tool call must be an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> id = requireString(p, t, "tool_calls[].id");
                    case "function" -> name = readFunctionName(p, t);
                    default -> p.skipChildren();
                }
            }
            if (id != null && name != null) {
                names.put(id, name);
            }
        }
        return names;
    }

    /**
     * The function names of the request's {@code tools}. Entries without a name are skipped rather
     * than refused: the simulator only needs to know which of its demo tools it may call.
     */
    private static Set<String> readToolNames(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return Set.of();
        }
        if (v != JsonToken.START_ARRAY) {
            throw new InvalidRequestException("'tools' must be an array");
        }
        Set<String> names = new HashSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequestException("each tool must be an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                String name = "function".equals(field) ? readFunctionName(p, t) : skip(p);
                if (name != null) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** {@code function.name} of a tool or a tool call; null when absent. */
    private static String readFunctionName(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            return skip(p);
        }
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            String value = "name".equals(field) ? stringOrNull(p, t) : skip(p);
            if (value != null) {
                name = value;
            }
        }
        return name;
    }

    /** Content is a string, null (assistant tool calls), or an array of parts whose text parts count. */
    private static String readContent(JsonParser p, JsonToken v) throws IOException {
        return switch (v) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> "";
            case START_ARRAY -> readContentParts(p);
            default -> throw new InvalidRequestException("'content' must be a string, null or an array of parts");
        };
    }

    private static String readContentParts(JsonParser p) throws IOException {
        StringBuilder text = new StringBuilder();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if ("text".equals(field) && v == JsonToken.VALUE_STRING) {
                    text.append(text.isEmpty() ? "" : "\n").append(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
        return text.toString();
    }

    private static boolean readStream(JsonToken v) {
        return switch (v) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> throw new InvalidRequestException("'stream' must be a boolean");
        };
    }

    private static OptionalInt readMaxTokens(JsonParser p, JsonToken v, String field) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return OptionalInt.empty();
        }
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new InvalidRequestException("'" + field + "' must be an integer");
        }
        long n = p.getLongValue();
        if (n < 1) {
            throw new InvalidRequestException("'" + field + "' must be at least 1, was " + n);
        }
        return OptionalInt.of((int) Math.min(n, Integer.MAX_VALUE));
    }
}
