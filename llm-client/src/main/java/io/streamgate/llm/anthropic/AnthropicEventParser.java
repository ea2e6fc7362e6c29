package io.streamgate.llm.anthropic;

import static io.streamgate.llm.Json.longOr;
import static io.streamgate.llm.Json.stringOrNull;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.Json;
import io.streamgate.llm.ProviderError;
import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.SseEvent;
import io.streamgate.llm.StreamParser;
import io.streamgate.llm.TokenSink;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamFailures;
import io.streamgate.llm.Usage;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns the events of one Messages API stream into {@link UpstreamEvent}s.
 *
 * <p>Each event's JSON is read with a streaming {@link JsonParser}, gathering the few fields any event type needs
 * and acting once the object is read, so the order of fields inside an event does not matter. The event type comes
 * from the JSON's {@code type}, which Anthropic always sends; the SSE {@code event:} name is the fallback.
 *
 * <p>Text and thinking go out as they arrive. A {@code tool_use} block's input arrives as {@code partial_json}
 * pieces that are not JSON on their own, so they are joined per block index and the call goes out whole at
 * {@code content_block_stop}; how many calls and how much input are held is bounded by {@link StreamLimits}, and a
 * stream over a limit ends with its error. A {@code thinking} block is also kept whole with its signature (and a
 * {@code redacted_thinking} block's data), and goes out as one {@link UpstreamEvent.SignedThinking} at its stop, for
 * the gateway to send back with the tool calls that follow. Usage is spread over {@code message_start} (input and
 * cache counts) and {@code message_delta} (output so far, cumulative); the last value of each wins. Stateful, so one
 * per call, used by one thread.
 */
final class AnthropicEventParser implements StreamParser {

    static final String MESSAGE_STOP = "message_stop";

    // The names each event's type fields take, matched without building a string per event (Json.stringIn).
    private static final String[] EVENT_TYPES = {
        "content_block_delta", "content_block_start", "content_block_stop", "message_delta", "message_start",
        MESSAGE_STOP, "ping", "error"
    };
    private static final String[] DELTA_TYPES = {
        "text_delta", "input_json_delta", "thinking_delta", "signature_delta", "citations_delta"
    };
    private static final String[] BLOCK_TYPES = {"text", "tool_use", "thinking", "redacted_thinking"};

    private final TokenSink out;
    private final StreamLimits limits;
    private final Map<Integer, ToolUse> toolUses = new HashMap<>();
    private int toolUsesStarted;
    private final Map<Integer, Thinking> thinkingBlocks = new HashMap<>();
    private long inputTokens = Usage.UNKNOWN;
    private long outputTokens = Usage.UNKNOWN;
    private long cacheCreationInputTokens = Usage.UNKNOWN;
    private long cacheReadInputTokens = Usage.UNKNOWN;
    private String stopReason;
    private boolean ended;

    // The event being read; reset by each onEvent.
    private String type;
    private int index;
    private String blockType;
    private String blockId;
    private String blockName;
    private String blockText;
    private String blockInput;
    private String blockSignature;
    private String blockData;
    private String deltaType;
    private String deltaText;
    private String deltaSignature;
    private String deltaStopReason;
    private ProviderError error;

    /** A {@code tool_use} block whose input is still arriving. */
    private static final class ToolUse {
        final String id;
        final String name;
        final String startInput;
        final StringBuilder json = new StringBuilder();
        long jsonBytes;

        ToolUse(String id, String name, String startInput) {
            this.id = id;
            this.name = name;
            this.startInput = startInput;
        }

        UpstreamEvent.ToolCall toCall() {
            String arguments = json.toString();
            if (arguments.isBlank()) {
                arguments = startInput != null ? startInput : "{}";
            }
            return new UpstreamEvent.ToolCall(id, name, arguments);
        }
    }

    /**
     * The most of one thinking block kept for the provider, in chars: far above any thinking budget, but a bound on
     * what a provider that never ends a block can make the gateway hold.
     */
    static final int MAX_KEPT_THINKING_CHARS = 1 << 20;

    /** A {@code thinking} block whose text and signature are still arriving. */
    private static final class Thinking {
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder signature = new StringBuilder();
        private boolean overflowed;

        Thinking(String startText, String startSignature) {
            append(text, startText);
            append(signature, startSignature);
        }

        void appendText(String piece) {
            append(text, piece);
        }

        void appendSignature(String piece) {
            append(signature, piece);
        }

        /**
         * The whole signed block, or {@code null} when it cannot be sent back: unsigned, or too long to keep (the
         * provider then rejects the tool loop's next step, which ends the stream with a clear error).
         */
        UpstreamEvent.SignedThinking signedBlock() {
            return overflowed || signature.isEmpty()
                    ? null
                    : UpstreamEvent.SignedThinking.of(text.toString(), signature.toString());
        }

        private void append(StringBuilder to, String piece) {
            if (piece == null || overflowed) {
                return;
            }
            if (text.length() + signature.length() + piece.length() > MAX_KEPT_THINKING_CHARS) {
                overflowed = true;
                text.setLength(0);
                text.trimToSize();
                signature.setLength(0);
                signature.trimToSize();
                return;
            }
            to.append(piece);
        }
    }

    AnthropicEventParser(TokenSink out) {
        this(out, StreamLimits.defaults());
    }

    AnthropicEventParser(TokenSink out, StreamLimits limits) {
        this.out = out;
        this.limits = limits;
    }

    @Override
    public boolean onEvent(SseEvent event) throws IOException {
        resetEvent();
        try (JsonParser p = event.jsonParser()) {
            readEvent(p);
        }
        String eventType = type != null ? type : event.type(EVENT_TYPES);
        if (eventType == null) {
            return true;
        }
        return switch (eventType) {
            case "content_block_start" -> onBlockStart();
            case "content_block_delta" -> onBlockDelta();
            case "content_block_stop" -> onBlockStop();
            case "message_delta" -> {
                if (deltaStopReason != null) {
                    stopReason = deltaStopReason;
                }
                yield true;
            }
            case MESSAGE_STOP -> {
                ended = true;
                out.publish(new UpstreamEvent.Completed(finishReason(stopReason), usage()));
                yield false;
            }
            case "error" -> {
                out.publish(new UpstreamEvent.Failed(classify(error != null ? error : new ProviderError(null, null, null))));
                yield false;
            }
            // message_start carries only usage (already read); ping, and event types added later, carry nothing.
            default -> true;
        };
    }

    @Override
    public boolean reachedEnd() {
        return ended;
    }

    @Override
    public String endMarker() {
        return MESSAGE_STOP;
    }

    /**
     * Maps Anthropic's {@code stop_reason} onto the names OpenAI made common and the gateway reports:
     * {@code end_turn} and {@code stop_sequence} → {@code stop}, {@code tool_use} → {@code tool_calls},
     * {@code max_tokens} → {@code length}; anything else (e.g. {@code pause_turn}, {@code refusal}) passes through.
     */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "end_turn", "stop_sequence" -> "stop";
            case "tool_use" -> "tool_calls";
            case "max_tokens" -> "length";
            default -> stopReason;
        };
    }

    /**
     * Anthropic's error types are a fixed set, so they map exactly: {@code invalid_request_error} is the client's
     * fault ({@code bad_request}); overload, rate limits and {@code api_error} are transient; the rest (authentication,
     * permission) are not. Only {@code invalid_request_error} differs from the shared guess, which cannot know that
     * OpenAI-compatible servers use the name loosely.
     */
    static UpstreamError classify(ProviderError error) {
        if ("invalid_request_error".equals(error.type())) {
            return UpstreamFailures.forProviderError(error, ErrorCode.BAD_REQUEST, false);
        }
        return UpstreamFailures.forProviderError(error);
    }

    private Usage usage() {
        return new Usage(inputTokens, outputTokens, cacheCreationInputTokens, cacheReadInputTokens);
    }

    private boolean onBlockStart() {
        if (blockType == null) {
            return true;
        }
        return switch (blockType) {
            case "tool_use" -> {
                if (blockName != null && blockName.length() > StreamLimits.MAX_TOOL_NAME_CHARS) {
                    yield overLimit(StreamLimits.toolNameTooLong());
                }
                if (++toolUsesStarted > limits.maxToolCalls()) {
                    yield overLimit(limits.tooManyToolCalls());
                }
                if (blockInput != null && StreamLimits.utf8Length(blockInput) > limits.maxToolArgumentBytes()) {
                    yield overLimit(limits.argumentsTooLarge());
                }
                toolUses.put(index, new ToolUse(
                        blockId != null ? blockId : "toolu_" + index, blockName != null ? blockName : "", blockInput));
                yield true;
            }
            // The start block's text is "" in practice; should it ever carry some, it is part of the answer.
            case "text" -> publishIfAny(blockText, false);
            case "thinking" -> {
                thinkingBlocks.put(index, new Thinking(blockText, blockSignature));
                yield publishIfAny(blockText, true);
            }
            // Nothing for the client, but the provider wants it back with the tool calls that follow.
            case "redacted_thinking" -> blockData == null || out.publish(UpstreamEvent.SignedThinking.redacted(blockData));
            default -> true; // server tool blocks: nothing for the client
        };
    }

    private boolean onBlockDelta() {
        if (deltaType == null) {
            return true;
        }
        return switch (deltaType) {
            case "text_delta" -> publishIfAny(deltaText, false);
            case "thinking_delta" -> {
                Thinking thinking = thinkingBlocks.get(index);
                if (thinking != null) {
                    thinking.appendText(deltaText);
                }
                yield publishIfAny(deltaText, true);
            }
            case "signature_delta" -> {
                Thinking thinking = thinkingBlocks.get(index);
                if (thinking != null) {
                    thinking.appendSignature(deltaSignature);
                }
                yield true;
            }
            case "input_json_delta" -> {
                ToolUse toolUse = toolUses.get(index);
                if (toolUse != null && deltaText != null) {
                    toolUse.jsonBytes += StreamLimits.utf8Length(deltaText);
                    if (toolUse.jsonBytes > limits.maxToolArgumentBytes()) {
                        yield overLimit(limits.argumentsTooLarge());
                    }
                    toolUse.json.append(deltaText);
                }
                yield true;
            }
            default -> true; // citations_delta
        };
    }

    private boolean onBlockStop() {
        Thinking thinking = thinkingBlocks.remove(index);
        if (thinking != null) {
            UpstreamEvent.SignedThinking block = thinking.signedBlock();
            return block == null || out.publish(block);
        }
        ToolUse toolUse = toolUses.remove(index);
        return toolUse == null || out.publish(toolUse.toCall());
    }

    /** Ends the stream over a {@link StreamLimits} limit, letting go of the calls gathered so far. */
    private boolean overLimit(UpstreamError error) {
        toolUses.clear();
        out.publish(new UpstreamEvent.Failed(error));
        return false;
    }

    private boolean publishIfAny(String text, boolean thinking) {
        if (text == null || text.isEmpty()) {
            return true;
        }
        return out.publish(thinking ? new UpstreamEvent.ThinkingDelta(text) : new UpstreamEvent.TextDelta(text));
    }

    private void resetEvent() {
        type = null;
        index = -1;
        blockType = null;
        blockId = null;
        blockName = null;
        blockText = null;
        blockInput = null;
        blockSignature = null;
        blockData = null;
        deltaType = null;
        deltaText = null;
        deltaSignature = null;
        deltaStopReason = null;
        error = null;
    }

    private void readEvent(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "event data is not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "type" -> type = Json.stringIn(p, value, EVENT_TYPES);
                case "index" -> index = (int) longOr(p, value, -1);
                case "message" -> readMessage(p, value);
                case "content_block" -> readBlock(p, value);
                case "delta" -> readDelta(p, value);
                case "usage" -> readUsage(p, value);
                case "error" -> error = ProviderError.read(p);
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            throw new JsonParseException(p, "event data is not one complete JSON object");
        }
    }

    /** {@code message_start}'s message: only its usage matters, the content is always empty at the start. */
    private void readMessage(JsonParser p, JsonToken value) throws IOException {
        Json.readObject(p, value, (field, token) -> {
            if (field.equals("usage")) {
                readUsage(p, token);
            } else {
                p.skipChildren();
            }
        });
    }

    private void readBlock(JsonParser p, JsonToken value) throws IOException {
        Json.readObject(p, value, (field, token) -> {
            switch (field) {
                case "type" -> blockType = Json.stringIn(p, token, BLOCK_TYPES);
                case "id" -> blockId = stringOrNull(p, token);
                case "name" -> blockName = stringOrNull(p, token);
                case "text", "thinking" -> blockText = stringOrNull(p, token);
                case "input" -> blockInput = nonEmptyObjectText(p, token);
                case "signature" -> blockSignature = stringOrNull(p, token);
                case "data" -> blockData = stringOrNull(p, token);
                default -> p.skipChildren();
            }
        });
    }

    /** The start block's {@code input} as text when it is a non-empty object ({@code {}} is the usual placeholder). */
    private static String nonEmptyObjectText(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String json = Json.copyToString(p);
        return json.equals("{}") ? null : json;
    }

    private void readDelta(JsonParser p, JsonToken value) throws IOException {
        Json.readObject(p, value, (field, token) -> {
            switch (field) {
                case "type" -> deltaType = Json.stringIn(p, token, DELTA_TYPES);
                case "text", "thinking", "partial_json" -> deltaText = stringOrNull(p, token);
                case "signature" -> deltaSignature = stringOrNull(p, token);
                case "stop_reason" -> deltaStopReason = stringOrNull(p, token);
                default -> p.skipChildren(); // stop_sequence, citation
            }
        });
    }

    /** Counts present in this event replace earlier ones; absent or null counts leave them as they were. */
    private void readUsage(JsonParser p, JsonToken value) throws IOException {
        Json.readObject(p, value, (field, token) -> {
            switch (field) {
                case "input_tokens" -> inputTokens = longOr(p, token, inputTokens);
                case "output_tokens" -> outputTokens = longOr(p, token, outputTokens);
                case "cache_creation_input_tokens" -> cacheCreationInputTokens = longOr(p, token, cacheCreationInputTokens);
                case "cache_read_input_tokens" -> cacheReadInputTokens = longOr(p, token, cacheReadInputTokens);
                default -> p.skipChildren();
            }
        });
    }
}
