package io.streamgate.gateway.conversation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.streamgate.gateway.tools.JsonText;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.io.IOException;

/**
 * The body of {@code GET /api/v1/conversations/{id}}:
 * <pre>
 * {"conversation_id": "...", "created_at": "2026-05-01T12:00:00Z",
 *  "messages": [{"role": "assistant", "content": "...",
 *                "tool_calls": [{"id": "...", "name": "...", "input": {...}}],
 *                "tool_call_id": "...", "tool_name": "...", "is_error": false,
 *                "status": "complete", "finish_reason": "stop", "created_at": "...",
 *                "thinking": "...",
 *                "stats": {"total_tokens": 42, "prompt_tokens": 12, "total_chunks": 9, "elapsed_time": 1.25,
 *                          "first_token_ms": 61}}]}
 * </pre>
 * Each message also carries its {@code "seq"} (1, 2, 3... in the conversation), the cursor for paging.
 * {@code thinking} is the reasoning the model streamed before an assistant message; {@code stats} are a final
 * answer's {@code complete_state} figures (and when its first content was written); both are for display.
 * Fields that are null or empty are left out; {@code is_error} appears on tool messages only. Times are
 * ISO-8601 UTC. {@code content} is always a string (a tool message's content is its result as JSON text);
 * {@code input} is the arguments object, or the arguments as a string when the model wrote invalid JSON. The
 * owning tenant is not shown.
 */
public final class ConversationJson {

    private ConversationJson() {}

    public static void write(Conversation c, JsonGenerator g) throws IOException {
        requireNonNull(c, "conversation");
        requireNonNull(g, "generator");
        g.writeStartObject();
        writeFields(c, g);
        g.writeEndObject();
    }

    /**
     * One page: the fields above plus {@code "has_more"} and, when it is true, {@code "next_before"}, the
     * {@code before} value that fetches the next older page.
     */
    public static void write(HistoryPage page, JsonGenerator g) throws IOException {
        requireNonNull(page, "page");
        requireNonNull(g, "generator");
        g.writeStartObject();
        writeFields(page.conversation(), g);
        g.writeBooleanField("has_more", page.hasMore());
        if (page.hasMore()) {
            g.writeNumberField("next_before", page.nextBefore());
        }
        g.writeEndObject();
    }

    private static void writeFields(Conversation c, JsonGenerator g) throws IOException {
        g.writeStringField("conversation_id", c.id());
        g.writeStringField("created_at", c.createdAt().toString());
        g.writeArrayFieldStart("messages");
        for (StoredMessage m : c.messages()) {
            writeMessage(m, g);
        }
        g.writeEndArray();
    }

    private static void writeMessage(StoredMessage m, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", m.seq());
        g.writeStringField("role", m.role());
        g.writeStringField("content", m.content());
        if (m.hasToolCalls()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", call.id());
                g.writeStringField("name", call.name());
                g.writeFieldName("input");
                if (JsonText.isObject(call.argumentsJson())) {
                    JsonText.copy(call.argumentsJson(), g); // parsed and written again, never spliced raw
                } else {
                    g.writeString(call.argumentsJson());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (m.role().equals(NewMessage.TOOL)) {
            g.writeStringField("tool_call_id", m.toolCallId());
            g.writeStringField("tool_name", m.toolName());
            g.writeBooleanField("is_error", m.isError());
        }
        g.writeStringField("status", m.status().wireName());
        if (m.finishReason() != null) {
            g.writeStringField("finish_reason", m.finishReason());
        }
        g.writeStringField("created_at", m.at().toString());
        if (m.thinking() != null) {
            g.writeStringField("thinking", m.thinking());
        }
        if (m.stats() != null) {
            g.writeFieldName("stats");
            AnswerStatsJson.writeObject(m.stats(), g);
        }
        g.writeEndObject();
    }
}
