package io.streamgate.gateway.resume;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.streamgate.gateway.conversation.AssistantTurn;
import io.streamgate.gateway.conversation.MessageStatus;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the answer a stream had sent from its journal's SSE events (as {@code SseEventEncoder} wrote them): the
 * text of its {@code message_chunk}s, its {@code thinking}, and each agent step's {@code tool_call}s and
 * {@code tool_result}s, as the {@link AssistantTurn} to store for a stream whose node died before it ended.
 *
 * <p>The events come from Redis, so they are parsed as untrusted input: an event that is not one
 * {@code id}/{@code data} message with a JSON object is an error, and a result that answers no pending call is left
 * out (the turn's shape is the store's invariant).
 */
final class JournalAnswer {

    /** Why the stream's answer stopped, stored as the answer's finish reason. */
    static final String FINISH_REASON = "stream_owner_lost";
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);

    /** A decoded journal: the answer to store, and whether the journal already held the stream's last event. */
    record Decoded(AssistantTurn turn, boolean terminal) {}

    private record Result(String toolCallId, String toolName, String resultJson, boolean isError) {}

    private final AssistantTurn.Builder builder = AssistantTurn.builder();
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder thinking = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private final List<Result> results = new ArrayList<>();
    private boolean terminal;
    private boolean anyOutput;

    private JournalAnswer() {}

    /**
     * @param events each event's SSE bytes, in sequence order
     * @throws IllegalArgumentException when an event is not one this gateway writes
     */
    static Decoded decode(List<byte[]> events) {
        JournalAnswer answer = new JournalAnswer();
        for (byte[] event : events) {
            answer.add(event);
        }
        return answer.finish();
    }

    private void add(byte[] sse) {
        int from = indexOf(sse, DATA);
        if (from < 0 || !startsWith(sse, "id: ")) {
            throw new IllegalArgumentException("not an SSE event");
        }
        from += DATA.length;
        int to = sse.length;
        while (to > from && (sse[to - 1] == '\n')) {
            to--;
        }
        try (JsonParser p = JSON.createParser(sse, from, to - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an event's data is not a JSON object");
            }
            String type = null;
            String content = null;
            String callId = null;
            String toolName = null;
            String json = null;
            boolean isError = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value.isStructStart() && !field.equals("tool_input") && !field.equals("result")) {
                    p.skipChildren(); // where a string is expected: not one this gateway writes; ignored
                    continue;
                }
                switch (field) {
                    case "type" -> type = p.getValueAsString();
                    case "content" -> content = p.getValueAsString();
                    case "tool_call_id" -> callId = p.getValueAsString();
                    case "tool_name" -> toolName = p.getValueAsString();
                    case "tool_input", "result" -> json = copy(p);
                    case "is_error" -> isError = value == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("an event's data is not one JSON object");
            }
            apply(type, content, callId, toolName, json, isError);
        } catch (IOException e) {
            throw new IllegalArgumentException("an event's data is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    private void apply(String type, String content, String callId, String toolName, String json, boolean isError) {
        if (type == null) {
            throw new IllegalArgumentException("an event without a type");
        }
        switch (type) {
            case "message_chunk" -> {
                startStepIfAnswered();
                text.append(content == null ? "" : content);
                anyOutput |= content != null && !content.isEmpty();
            }
            case "thinking" -> {
                startStepIfAnswered();
                thinking.append(content == null ? "" : content);
                anyOutput |= content != null && !content.isEmpty();
            }
            case "tool_call" -> {
                startStepIfAnswered();
                if (callId == null || toolName == null) {
                    throw new IllegalArgumentException("a tool_call without its id or name");
                }
                calls.add(new ToolCall(callId, toolName, json == null ? "{}" : json));
                anyOutput = true;
            }
            case "tool_result" -> {
                if (callId == null || toolName == null) {
                    throw new IllegalArgumentException("a tool_result without its id or name");
                }
                results.add(new Result(callId, toolName, json == null ? "null" : json, isError));
            }
            case "complete_state", "error" -> terminal = true;
            default -> { } // a type added later: not part of the stored answer
        }
    }

    /** Text, thinking or a call after a step's results begins the next step: the last one is stored first. */
    private void startStepIfAnswered() {
        if (!results.isEmpty() && !calls.isEmpty()) {
            closeStep();
        }
        results.clear(); // results without a call in their step answer nothing
    }

    private void closeStep() {
        builder.step(text.toString(), thinking.isEmpty() ? null : thinking.toString(), List.copyOf(calls));
        for (Result r : results) {
            try {
                builder.toolResult(r.toolCallId(), r.toolName(), r.resultJson(), r.isError());
            } catch (IllegalArgumentException answersNoCall) {
                // left out: a stored turn never holds a result without its call
            }
        }
        text.setLength(0);
        thinking.setLength(0);
        calls.clear();
        results.clear();
    }

    private Decoded finish() {
        if (!calls.isEmpty()) {
            closeStep(); // the last step's calls; those without a result get one saying they did not run
        }
        MessageStatus status = anyOutput ? MessageStatus.PARTIAL : MessageStatus.ERROR;
        AssistantTurn turn = builder.finish(text.toString(), status, FINISH_REASON,
                thinking.isEmpty() ? null : thinking.toString(), null);
        return new Decoded(turn, terminal);
    }

    private static String copy(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        if (bytes.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] bytes, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
