package io.streamgate.gateway.dropin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.cache.CacheKey;
import io.streamgate.gateway.http.JsonResponses;
import io.streamgate.gateway.stream.BadRequestException;
import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The answer cache's key of a drop-in request: from its neutral form ({@link DropInRequest#translated}) the question,
 * tools, output cap and temperature, and, as the key's {@code extra}, every other top-level field of the body (the
 * history as written among them), since any of them may change the answer.
 *
 * <ul>
 *   <li>Left out, as they do not change the answer: {@code model} (the key has the model and its route),
 *       {@code stream} and {@code stream_options} (a streamed and a whole answer share an entry), {@code cache},
 *       {@code user}, {@code metadata}, {@code store}, {@code service_tier}, {@code prompt_cache_key},
 *       {@code safety_identifier}; and {@code temperature}, which the neutral form carries (it is left out of the
 *       semantic scope).
 *   <li>In {@code extra}, in a canonical form (fields sorted by name, values as compact JSON): everything else,
 *       {@code top_p}, {@code top_k}, {@code stop}, {@code stop_sequences}, {@code seed}, {@code response_format},
 *       {@code tool_choice}, {@code parallel_tool_calls}, the penalties, {@code logit_bias}, {@code reasoning_effort},
 *       {@code thinking}, {@code max_tokens}…, and any field this gateway does not know. Also the {@code messages}
 *       as the client wrote them (what the neutral form does not carry: a message's {@code name}, earlier thinking
 *       blocks, how text is split into parts), except the last message's text, which is the question: it stays out
 *       of {@code extra} so that the semantic scope holds everything but the question.
 *   <li>Not cacheable (no key): an answer whose form a replay cannot give back ({@code n} other than 1,
 *       {@code logprobs}, {@code top_logprobs}, {@code audio}, {@code modalities} other than text), one that depends
 *       on the world ({@code web_search_options}, {@code mcp_servers}, Anthropic server tools), and a request the
 *       neutral form cannot carry (images, documents).
 * </ul>
 */
final class DropInCacheKey {

    private static final Set<String> ANSWER_NEUTRAL = Set.of("model", "stream", "stream_options", "cache", "user",
            "metadata", "store", "service_tier", "prompt_cache_key", "safety_identifier", "temperature");

    /** Fields whose other values make an answer uncacheable, with the values (compact JSON) that do not. */
    private static final Map<String, Set<String>> CACHEABLE_ONLY_AS = Map.of(
            "n", Set.of("null", "1"),
            "logprobs", Set.of("null", "false"),
            "top_logprobs", Set.of("null", "0"),
            "audio", Set.of("null"),
            "modalities", Set.of("null", "[\"text\"]"),
            "web_search_options", Set.of("null"),
            "mcp_servers", Set.of("null", "[]"));

    private DropInCacheKey() {}

    /**
     * The key of {@code request} for {@code tenant}, or empty when its answer is not cacheable.
     *
     * @param model the model as requested and as routed
     */
    static Optional<CacheKey> of(AnswerCache cache, String tenant, String model, DropInRequest request) {
        requireNonNull(cache, "cache");
        String extra = extra(request.body());
        if (extra == null) {
            return Optional.empty();
        }
        ChatRequest neutral;
        try {
            neutral = request.translated(null);
        } catch (BadRequestException | IllegalArgumentException e) {
            return Optional.empty(); // no neutral form (an image, a server tool): relayed, never cached
        }
        // extra already holds the history as written: the key need only read the question from the neutral form,
        // rather than hash every earlier message a second time.
        List<ChatMessage> messages = neutral.messages();
        return cache.key(tenant, model, extra,
                messages.isEmpty() ? neutral : neutral.withMessages(List.of(messages.getLast())));
    }

    /**
     * The canonical encoding of the body's fields that change the answer, or {@code null} when the answer must not
     * be cached. The body was read once already ({@link DropInRequest#read}): one JSON object without duplicates.
     */
    static String extra(byte[] body) {
        TreeMap<String, String> fields = new TreeMap<>();
        try (JsonParser p = Encoding.STRICT.createParser(body)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (ANSWER_NEUTRAL.contains(field)) {
                    p.skipChildren();
                    continue;
                }
                String json = field.equals("messages") && value == JsonToken.START_ARRAY ? messages(p) : compact(p);
                Set<String> allowed = CACHEABLE_ONLY_AS.get(field);
                if (allowed != null && !allowed.contains(json)) {
                    return null;
                }
                fields.put(field, json);
            }
            StringWriter out = new StringWriter(body.length);
            try (JsonGenerator g = JsonResponses.JSON.createGenerator(out)) {
                g.writeStartObject();
                for (Map.Entry<String, String> f : fields.entrySet()) {
                    g.writeFieldName(f.getKey());
                    g.writeRawValue(f.getValue());
                }
                g.writeEndObject();
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a body already read once, copied in memory: not expected
        }
    }

    /** The messages as written, the last one without its text. The parser stands on the array's start. */
    private static String messages(JsonParser p) throws IOException {
        List<String> messages = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            messages.add(compact(p));
        }
        if (!messages.isEmpty()) {
            messages.set(messages.size() - 1, withoutText(messages.getLast()));
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JsonResponses.JSON.createGenerator(out)) {
            g.writeStartArray();
            for (String m : messages) {
                g.writeRawValue(m);
            }
            g.writeEndArray();
        }
        return out.toString();
    }

    /**
     * One message without its text: a string {@code content} is left out, and so is the {@code text} of each part
     * of an array {@code content}. The rest (role, name, the parts' kinds and marks) stays.
     */
    private static String withoutText(String message) throws IOException {
        StringWriter out = new StringWriter(message.length());
        try (JsonParser p = JsonResponses.JSON.createParser(message);
                JsonGenerator g = JsonResponses.JSON.createGenerator(out)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return message;
            }
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals("content")) {
                    g.writeFieldName(field);
                    g.copyCurrentStructure(p);
                } else if (value == JsonToken.START_ARRAY) {
                    g.writeFieldName(field);
                    g.writeStartArray();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        partWithoutText(p, g);
                    }
                    g.writeEndArray();
                } else if (value != JsonToken.VALUE_STRING) {
                    g.writeFieldName(field);
                    g.copyCurrentStructure(p);
                } // a string content: the question itself
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    private static void partWithoutText(JsonParser p, JsonGenerator g) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            g.copyCurrentStructure(p);
            return;
        }
        g.writeStartObject();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("text")) {
                p.skipChildren();
            } else {
                g.writeFieldName(field);
                g.copyCurrentStructure(p);
            }
        }
        g.writeEndObject();
    }

    /** The value the parser stands on, as compact JSON. */
    private static String compact(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JsonResponses.JSON.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }
}
