package io.streamgate.llm.openai;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.llm.Json;
import io.streamgate.llm.ProviderError;
import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.SseEvent;
import io.streamgate.llm.StreamParser;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import io.streamgate.llm.UpstreamFailures;
import io.streamgate.llm.Usage;
import java.io.IOException;

/**
 * Turns the {@code data:} payloads of one Chat Completions stream into {@link UpstreamEvent}s.
 *
 * <p>It reads each chunk with a streaming {@link JsonParser} and skips everything it does not need without
 * building a tree: a chunk is mostly ids, fingerprints and log-prob placeholders around a few bytes of text.
 * It is stateful (tool-call fragments, the finish reason and usage span chunks), so there is one per call, used
 * by one thread.
 *
 * <p>Within a chunk, fields are gathered first and published afterwards, so a server that writes
 * {@code finish_reason} before {@code delta} still has its last tool fragment joined before the calls go out.
 */
final class OpenAiChunkParser implements StreamParser {

    static final String DONE = "[DONE]";

    private final TokenSink out;
    private final ToolCallAssembler toolCalls;
    private String finishReason;
    private Usage usage = Usage.NONE;
    private boolean done;

    // The chunk being read; reset by each onData.
    private String text;
    private String thinking;
    private String chunkFinishReason;
    private ProviderError error;

    OpenAiChunkParser(TokenSink out) {
        this(out, StreamLimits.defaults());
    }

    OpenAiChunkParser(TokenSink out, StreamLimits limits) {
        this.out = out;
        this.toolCalls = new ToolCallAssembler(limits);
    }

    /** Chat Completions events have no {@code event:} name; only the data matters. */
    @Override
    public boolean onEvent(SseEvent event) throws IOException {
        return onData(event);
    }

    @Override
    public boolean reachedEnd() {
        return done;
    }

    @Override
    public String endMarker() {
        return DONE;
    }

    /**
     * Handles one {@code data:} payload, read as JSON straight from its bytes.
     *
     * @return {@code true} to keep reading; {@code false} once the stream has ended ({@code [DONE]} or an in-stream
     *     error) or the sink refused an event
     * @throws IOException if the payload is not well-formed JSON
     */
    private boolean onData(SseEvent data) throws IOException {
        if (data.dataIs(DONE)) {
            done = true;
            if (flushToolCalls()) {
                out.publish(new UpstreamEvent.Completed(finishReason != null ? finishReason : "stop", usage));
            }
            return false;
        }
        text = null;
        thinking = null;
        chunkFinishReason = null;
        error = null;
        try (JsonParser p = data.jsonParser()) {
            readChunk(p);
        }
        if (error != null) {
            out.publish(new UpstreamEvent.Failed(UpstreamFailures.forProviderError(error)));
            return false;
        }
        if (toolCalls.overLimit() != null) {
            out.publish(new UpstreamEvent.Failed(toolCalls.overLimit()));
            return false;
        }
        if (thinking != null && !thinking.isEmpty() && !out.publish(new UpstreamEvent.ThinkingDelta(thinking))) {
            return false;
        }
        if (text != null && !text.isEmpty() && !out.publish(new UpstreamEvent.TextDelta(text))) {
            return false;
        }
        if (chunkFinishReason != null) {
            finishReason = chunkFinishReason;
            return flushToolCalls();
        }
        return true;
    }

    private boolean flushToolCalls() {
        if (toolCalls.isEmpty()) {
            return true;
        }
        for (ToolCall call : toolCalls.drain()) {
            if (!out.publish(call)) {
                return false;
            }
        }
        return true;
    }

    private void readChunk(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "chunk is not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "choices" -> readChoices(p, value);
                case "usage" -> readUsage(p, value);
                case "error" -> error = ProviderError.read(p);
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, "chunk is not a complete JSON object");
        }
    }

    /** Reads {@code choices[0]}; further choices only appear with {@code n > 1}, which the gateway never asks for. */
    private void readChoices(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        boolean first = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (first && p.currentToken() == JsonToken.START_OBJECT) {
                readChoice(p);
            } else {
                p.skipChildren();
            }
            first = false;
        }
    }

    private void readChoice(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "delta" -> readDelta(p, value);
                case "finish_reason" -> chunkFinishReason = value == JsonToken.VALUE_STRING ? p.getText() : null;
                default -> p.skipChildren();
            }
        }
    }

    private void readDelta(JsonParser p, JsonToken value) throws IOException {
        Json.readObject(p, value, (field, token) -> {
            switch (field) {
                case "content" -> text = stringOrNull(p, token);
                case "reasoning", "reasoning_content" -> {
                    // Some servers fill both names with the same text for compatibility; take the first only.
                    String piece = stringOrNull(p, token);
                    if (thinking == null) {
                        thinking = piece;
                    }
                }
                case "tool_calls" -> readToolCalls(p, token);
                default -> p.skipChildren();
            }
        });
    }

    private void readToolCalls(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            readToolCall(p);
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new JsonParseException(p, "tool_calls entries must be objects");
        }
    }

    private void readToolCall(JsonParser p) throws IOException {
        int index = -1;
        String id = null;
        String name = null;
        String arguments = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            switch (field) {
                case "index" -> index = token == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
                case "id" -> id = stringOrNull(p, token);
                case "function" -> {
                    if (token != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String functionField = p.currentName();
                        JsonToken functionToken = p.nextToken();
                        switch (functionField) {
                            case "name" -> name = stringOrNull(p, functionToken);
                            case "arguments" -> arguments = argumentsText(p, functionToken);
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        toolCalls.add(index, id, name, arguments);
    }

    /** Arguments are JSON text in a string; some servers send the object itself, which is re-serialised as text. */
    private static String argumentsText(JsonParser p, JsonToken token) throws IOException {
        return token == JsonToken.START_OBJECT ? Json.copyToString(p) : stringOrNull(p, token);
    }

    private void readUsage(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        long prompt = Usage.UNKNOWN;
        long completion = Usage.UNKNOWN;
        long cached = Usage.UNKNOWN;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = longOrUnknown(p, token);
                case "completion_tokens" -> completion = longOrUnknown(p, token);
                case "prompt_tokens_details" -> cached = readCachedTokens(p, token);
                default -> p.skipChildren();
            }
        }
        usage = new Usage(prompt, completion, Usage.UNKNOWN, cached);
    }

    private static long readCachedTokens(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Usage.UNKNOWN;
        }
        long cached = Usage.UNKNOWN;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            if (field.equals("cached_tokens")) {
                cached = longOrUnknown(p, token);
            } else {
                p.skipChildren();
            }
        }
        return cached;
    }

    private static long longOrUnknown(JsonParser p, JsonToken token) throws IOException {
        return Json.longOr(p, token, Usage.UNKNOWN);
    }

    private static String stringOrNull(JsonParser p, JsonToken token) throws IOException {
        return Json.stringOrNull(p, token);
    }
}
