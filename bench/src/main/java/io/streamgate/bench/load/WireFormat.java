package io.streamgate.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The two event dialects the harness reads, and how to ask for a stream in each.
 *
 * <p>The same load is run against the simulator directly (and through nginx) in the OpenAI dialect and against
 * the gateway in its own typed-event dialect, or, with {@code --api}, in the OpenAI or Anthropic dialect everywhere
 * (the gateway's drop-in endpoint); the one thing compared across them is when the first non-empty
 * piece of answer text arrives, so each dialect only has to say: is this event content, the normal end, or a
 * failure.
 */
public enum WireFormat {

    /** The gateway's typed events: {@code message_chunk} … then exactly one {@code complete_state} or {@code error}. */
    GATEWAY_EVENTS {
        @Override
        public String path(String conversationId) {
            return "/api/v1/conversations/" + conversationId + "/stream";
        }

        @Override
        public String body(String message) {
            // No tools: the pass measures the relay itself, the same work as the direct and nginx passes.
            return "{\"message\":\"" + message + "\",\"tools\":[]}";
        }

        @Override
        public Kind classify(String data) throws IOException {
            String type = null;
            boolean hasContent = false;
            try (JsonParser p = JSON.createParser(data)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return Kind.MALFORMED;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("type".equals(name) && value == JsonToken.VALUE_STRING) {
                        type = p.getText();
                    } else if ("content".equals(name) && value == JsonToken.VALUE_STRING) {
                        hasContent = p.getTextLength() > 0;
                    } else {
                        p.skipChildren();
                    }
                }
            }
            if (type == null) {
                return Kind.MALFORMED;
            }
            return switch (type) {
                case "message_chunk" -> hasContent ? Kind.CONTENT : Kind.OTHER;
                case "complete_state" -> Kind.END;
                case "error" -> Kind.FAILURE;
                default -> Kind.OTHER;
            };
        }
    },

    /** OpenAI Chat Completions chunks: {@code choices[0].delta.content}, ended by {@code [DONE]}. */
    OPENAI_CHUNKS {
        @Override
        public String path(String conversationId) {
            return "/chat/completions";
        }

        @Override
        public String body(String message) {
            return "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                    + message + "\"}]}";
        }

        @Override
        public Kind classify(String data) throws IOException {
            if ("[DONE]".equals(data)) {
                return Kind.END;
            }
            try (JsonParser p = JSON.createParser(data)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return Kind.MALFORMED;
                }
                Kind kind = Kind.OTHER;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("error".equals(name)) {
                        return Kind.FAILURE;
                    } else if ("choices".equals(name) && value == JsonToken.START_ARRAY) {
                        kind = firstChoiceHasContent(p) ? Kind.CONTENT : Kind.OTHER;
                    } else {
                        p.skipChildren();
                    }
                }
                return kind;
            }
        }

        /** Reads the choices array to its end; true when choices[0].delta.content is a non-empty string. */
        private boolean firstChoiceHasContent(JsonParser p) throws IOException {
            boolean content = false;
            boolean first = true;
            while (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (first && "delta".equals(name) && value == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String field = p.currentName();
                            JsonToken v = p.nextToken();
                            if ("content".equals(field) && v == JsonToken.VALUE_STRING) {
                                content = p.getTextLength() > 0;
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                first = false;
            }
            return content;
        }
    },

    /**
     * Anthropic Messages events: {@code content_block_delta} with a non-empty {@code delta.text}, ended by
     * {@code message_stop}; {@code {"type":"error"}} is a failure. The event name repeats the data's {@code type}, so
     * the data alone decides.
     */
    ANTHROPIC_EVENTS {
        @Override
        public String path(String conversationId) {
            return "/messages";
        }

        @Override
        public String body(String message) {
            return "{\"model\":\"bench\",\"max_tokens\":1024,\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"" + message + "\"}]}";
        }

        @Override
        public Kind classify(String data) throws IOException {
            String type = null;
            boolean hasText = false;
            try (JsonParser p = JSON.createParser(data)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return Kind.MALFORMED;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("type".equals(name) && value == JsonToken.VALUE_STRING) {
                        type = p.getText();
                    } else if ("delta".equals(name) && value == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String field = p.currentName();
                            JsonToken v = p.nextToken();
                            if ("text".equals(field) && v == JsonToken.VALUE_STRING) {
                                hasText = p.getTextLength() > 0;
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            }
            if (type == null) {
                return Kind.MALFORMED;
            }
            return switch (type) {
                case "content_block_delta" -> hasText ? Kind.CONTENT : Kind.OTHER;
                case "message_stop" -> Kind.END;
                case "error" -> Kind.FAILURE;
                default -> Kind.OTHER;
            };
        }
    };

    /** What an event means for the measurement. */
    public enum Kind { CONTENT, OTHER, END, FAILURE, MALFORMED }

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The request path for one stream, below the target's base path; {@code conversationId} is unique per stream
     * so no history accumulates.
     */
    public abstract String path(String conversationId);

    /** The JSON request body; {@code message} must need no JSON escaping. */
    public abstract String body(String message);

    /** Classifies one dispatched event's data. */
    public abstract Kind classify(String data) throws IOException;

    private static final java.util.regex.Pattern CODE =
            java.util.regex.Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,64})\"");

    /** An Anthropic error's type ({@code overloaded_error}, ...): that dialect's errors carry no {@code code}. */
    private static final java.util.regex.Pattern ERROR_TYPE =
            java.util.regex.Pattern.compile("\"type\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,64}_error)\"");

    /**
     * The error event's {@code code} field (or, in Anthropic's dialect, its {@code *_error} type), so failures
     * group by cause in the report; {@code unknown} if none.
     */
    public static String errorCode(String data) {
        java.util.regex.Matcher m = CODE.matcher(data);
        if (m.find()) {
            return m.group(1);
        }
        java.util.regex.Matcher t = ERROR_TYPE.matcher(data);
        return t.find() ? t.group(1) : "unknown";
    }

    /** Name of the terminal event, for error messages. */
    public String endMarker() {
        return switch (this) {
            case GATEWAY_EVENTS -> "complete_state";
            case OPENAI_CHUNKS -> "[DONE]";
            case ANTHROPIC_EVENTS -> "message_stop";
        };
    }
}
