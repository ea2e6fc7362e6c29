package io.streamgate.gateway.cache;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ToolSpec;
import io.streamgate.llm.UpstreamEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The keys of one cacheable request, hashes of everything that decides its answer.
 *
 * <ul>
 *   <li>{@code exact}: SHA-256 of the owner (the tenant, or {@code *} when entries are shared), the model, any other
 *       request parameters ({@code extra}), the output cap, the offered tools, every message sent (system prompt,
 *       history window, question) and the temperature.
 *   <li>{@code semanticScope}: the same without the question and the temperature. Semantic matches are searched only
 *       among entries of the same scope, so they share tenant, model, tools, system prompt and history.
 * </ul>
 * Fields are length-prefixed, so no two different requests encode alike. Only hashes leave this class: no raw
 * tenant, model or message text is ever part of a key.
 *
 * @param owner whose entries these are: a tenant, or {@code *}
 * @param question the user's question, for the semantic index
 */
public record CacheKey(String owner, String exact, String semanticScope, String question) {

    private static final HexFormat HEX = HexFormat.of();

    public CacheKey {
        requireNonNull(owner, "owner");
        requireNonNull(exact, "exact");
        requireNonNull(semanticScope, "semanticScope");
        requireNonNull(question, "question");
    }

    /**
     * The keys of {@code request}, or empty when its answer must not be cached: the last message is not the user's
     * text (a step after tool results, say).
     *
     * @param model the model as the client named it and as routed, for instance {@code gpt-4o\0openai-main}
     * @param extra the request's other parameters that change the answer (a drop-in request's {@code top_p},
     *     {@code stop}, {@code response_format}…), canonical; empty for none
     */
    public static Optional<CacheKey> of(String owner, String model, String extra, ChatRequest request) {
        requireNonNull(owner, "owner");
        requireNonNull(model, "model");
        requireNonNull(extra, "extra");
        List<ChatMessage> messages = request.messages();
        if (messages.isEmpty()) {
            return Optional.empty();
        }
        ChatMessage question = messages.getLast();
        if (!question.role().equals("user") || question.content().isBlank()) {
            return Optional.empty();
        }
        MessageDigest digest = sha256();
        put(digest, owner);
        put(digest, model);
        put(digest, extra);
        put(digest, String.valueOf(request.maxTokens()));
        put(digest, String.valueOf(request.tools().size()));
        for (ToolSpec tool : request.tools()) {
            put(digest, tool.name());
            put(digest, tool.description());
            put(digest, tool.parametersSchema());
        }
        put(digest, String.valueOf(messages.size() - 1));
        for (int i = 0; i < messages.size() - 1; i++) {
            put(digest, messages.get(i));
        }
        MessageDigest scope = copy(digest);
        put(digest, String.valueOf(request.temperature()));
        put(digest, question);
        return Optional.of(new CacheKey(owner, HEX.formatHex(digest.digest()), HEX.formatHex(scope.digest()),
                question.content()));
    }

    private static void put(MessageDigest digest, ChatMessage m) {
        put(digest, m.role());
        put(digest, m.content());
        put(digest, String.valueOf(m.toolCalls().size()));
        for (UpstreamEvent.ToolCall call : m.toolCalls()) {
            put(digest, call.id());
            put(digest, call.name());
            put(digest, call.argumentsJson());
        }
        put(digest, String.valueOf(m.toolCallId()));
        put(digest, String.valueOf(m.toolName()));
    }

    private static void put(MessageDigest digest, String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        int n = bytes.length;
        digest.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests can be cloned", e);
        }
    }
}
