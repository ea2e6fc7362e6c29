package io.streamgate.llm.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.Json;
import io.streamgate.llm.ToolSpec;
import io.streamgate.llm.UpstreamEvent.SignedThinking;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the Messages API request body from a provider-neutral request.
 *
 * <p>Where the wire format differs from OpenAI's: system messages leave the message list for a top-level
 * {@code system} block; an assistant turn is a list of content blocks ({@code text}, then one {@code tool_use} per
 * call, its input a JSON object rather than a string); and the results of one turn's tool calls travel together as
 * {@code tool_result} blocks in a single {@code user} message, because Anthropic expects every result of a turn right
 * after it. With prompt caching on, {@code cache_control} marks the end of the tool list and of the system prompt:
 * those are the stable prefix every turn of a conversation repeats.
 */
final class AnthropicRequestWriter {

    private AnthropicRequestWriter() {}

    /** @throws IllegalArgumentException if a tool's parameter schema is not a JSON object */
    static byte[] write(ChatRequest request, String defaultModel, AnthropicOptions options) {
        String model = request.model() != null ? request.model() : defaultModel;
        int maxTokens = request.maxTokens() != null ? request.maxTokens() : options.maxTokens();
        String system = systemPrompt(request.messages());
        return Json.write(512 + request.approximateChars(), g -> {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeNumberField("max_tokens", maxTokens);
            g.writeBooleanField("stream", true);
            if (request.temperature() != null) {
                g.writeNumberField("temperature", request.temperature());
            }
            if (!system.isEmpty()) {
                g.writeArrayFieldStart("system");
                g.writeStartObject();
                g.writeStringField("type", "text");
                g.writeStringField("text", system);
                writeCacheControl(g, options);
                g.writeEndObject();
                g.writeEndArray();
            }
            if (!request.tools().isEmpty()) {
                writeTools(g, request.tools(), options);
            }
            if (options.thinking()) {
                g.writeObjectFieldStart("thinking");
                g.writeStringField("type", "enabled");
                g.writeNumberField("budget_tokens", options.thinkingBudgetTokens());
                g.writeEndObject();
            }
            writeMessages(g, request.messages());
            g.writeEndObject();
        });
    }

    /** All system messages, in order, joined by a blank line; empty when there are none. */
    private static String systemPrompt(List<ChatMessage> messages) {
        List<String> parts = new ArrayList<>();
        for (ChatMessage message : messages) {
            if (message.role().equals("system") && !message.content().isBlank()) {
                parts.add(message.content());
            }
        }
        return String.join("\n\n", parts);
    }

    private static void writeCacheControl(JsonGenerator g, AnthropicOptions options) throws IOException {
        if (options.promptCaching()) {
            g.writeObjectFieldStart("cache_control");
            g.writeStringField("type", "ephemeral");
            g.writeEndObject();
        }
    }

    private static void writeTools(JsonGenerator g, List<ToolSpec> tools, AnthropicOptions options) throws IOException {
        g.writeArrayFieldStart("tools");
        for (int i = 0; i < tools.size(); i++) {
            ToolSpec tool = tools.get(i);
            g.writeStartObject();
            g.writeStringField("name", tool.name());
            g.writeStringField("description", tool.description());
            g.writeFieldName("input_schema");
            Json.writeObject(g, tool.parametersSchema(), "tool " + tool.name() + ": parametersSchema");
            if (i == tools.size() - 1) {
                writeCacheControl(g, options); // one breakpoint caches the whole list before it
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeMessages(JsonGenerator g, List<ChatMessage> messages) throws IOException {
        g.writeArrayFieldStart("messages");
        List<ChatMessage> toolResults = new ArrayList<>();
        for (ChatMessage message : messages) {
            if (message.role().equals("tool")) {
                toolResults.add(message);
                continue;
            }
            writeToolResults(g, toolResults);
            switch (message.role()) {
                case "system" -> {} // written as the top-level system prompt
                case "assistant" -> writeAssistant(g, message);
                default -> {
                    g.writeStartObject();
                    g.writeStringField("role", message.role());
                    g.writeStringField("content", message.content());
                    g.writeEndObject();
                }
            }
        }
        writeToolResults(g, toolResults);
        g.writeEndArray();
    }

    /**
     * The signed thinking blocks, unchanged and first (with extended thinking on, Anthropic rejects a tool loop's
     * assistant turn that does not start with them), then text (when there is any), then the calls. A turn with no
     * text and no calls is left out: Anthropic rejects empty content, and leaving it out only joins the user turns
     * around it, which the API accepts.
     */
    private static void writeAssistant(JsonGenerator g, ChatMessage message) throws IOException {
        if (message.content().isEmpty() && !message.hasToolCalls()) {
            return;
        }
        g.writeStartObject();
        g.writeStringField("role", "assistant");
        g.writeArrayFieldStart("content");
        for (SignedThinking block : message.thinking()) {
            writeThinking(g, block);
        }
        if (!message.content().isEmpty()) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", message.content());
            g.writeEndObject();
        }
        for (ToolCall call : message.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", call.id());
            g.writeStringField("name", call.name());
            g.writeFieldName("input");
            writeInput(g, call.argumentsJson());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeThinking(JsonGenerator g, SignedThinking block) throws IOException {
        g.writeStartObject();
        if (block.isRedacted()) {
            g.writeStringField("type", "redacted_thinking");
            g.writeStringField("data", block.redactedData());
        } else {
            g.writeStringField("type", "thinking");
            g.writeStringField("thinking", block.thinking());
            g.writeStringField("signature", block.signature());
        }
        g.writeEndObject();
    }

    /**
     * The call's arguments as an object. Blank or broken arguments (a model can write invalid JSON) become
     * {@code {}}: Anthropic rejects a request whose {@code input} is not an object, and replaying this turn in every
     * later request would make the whole conversation fail for good.
     */
    private static void writeInput(JsonGenerator g, String argumentsJson) throws IOException {
        if (Json.isObject(argumentsJson)) {
            Json.writeObject(g, argumentsJson, "tool input");
        } else {
            g.writeStartObject();
            g.writeEndObject();
        }
    }

    /** Writes the pending results as one user message of {@code tool_result} blocks, and forgets them. */
    private static void writeToolResults(JsonGenerator g, List<ChatMessage> results) throws IOException {
        if (results.isEmpty()) {
            return;
        }
        g.writeStartObject();
        g.writeStringField("role", "user");
        g.writeArrayFieldStart("content");
        for (ChatMessage result : results) {
            g.writeStartObject();
            g.writeStringField("type", "tool_result");
            g.writeStringField("tool_use_id", result.toolCallId());
            g.writeStringField("content", result.content());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        results.clear();
    }
}
