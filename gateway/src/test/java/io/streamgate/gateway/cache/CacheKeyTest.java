package io.streamgate.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ToolSpec;
import io.streamgate.llm.UpstreamEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

    private static final ToolSpec TOOL = new ToolSpec("calculator", "evaluates arithmetic", "{\"type\":\"object\"}");
    private static final UpstreamEvent.ToolCall CALL = new UpstreamEvent.ToolCall("call_1", "calculator", "{\"e\":\"1+1\"}");

    private static List<ChatMessage> history(String system, String earlier, String question) {
        return List.of(ChatMessage.system(system), ChatMessage.user(earlier), ChatMessage.assistant("it is 2"),
                ChatMessage.user(question));
    }

    private static final ChatRequest BASE = new ChatRequest(null, history("be terse", "what is 1+1?", "and 2+2?"),
            100, 0.5, List.of(TOOL));

    private static CacheKey key(String owner, String model, String extra, ChatRequest request) {
        return CacheKey.of(owner, model, extra, request).orElseThrow();
    }

    private static CacheKey key(ChatRequest request) {
        return key("acme", "gpt-4o\0openai", "", request);
    }

    private static ChatRequest withMessages(List<ChatMessage> messages) {
        return BASE.withMessages(messages);
    }

    /** Requests that each differ from {@link #BASE} in one thing, and whether that thing is the question's. */
    private static Map<String, CacheKey> variants() {
        Map<String, CacheKey> v = new LinkedHashMap<>();
        v.put("owner", key("globex", "gpt-4o\0openai", "", BASE));
        v.put("owner *", key("*", "gpt-4o\0openai", "", BASE));
        v.put("model", key("acme", "gpt-4o-mini\0openai", "", BASE));
        v.put("route", key("acme", "gpt-4o\0azure", "", BASE));
        v.put("extra", key("acme", "gpt-4o\0openai", "top_p=0.9", BASE));
        v.put("max tokens", key(new ChatRequest(null, BASE.messages(), 101, 0.5, List.of(TOOL))));
        v.put("no max tokens", key(new ChatRequest(null, BASE.messages(), null, 0.5, List.of(TOOL))));
        v.put("no tools", key(new ChatRequest(null, BASE.messages(), 100, 0.5, List.of())));
        v.put("tool name", key(new ChatRequest(null, BASE.messages(), 100, 0.5,
                List.of(new ToolSpec("calc", TOOL.description(), TOOL.parametersSchema())))));
        v.put("tool description", key(new ChatRequest(null, BASE.messages(), 100, 0.5,
                List.of(new ToolSpec(TOOL.name(), "does sums", TOOL.parametersSchema())))));
        v.put("tool schema", key(new ChatRequest(null, BASE.messages(), 100, 0.5,
                List.of(new ToolSpec(TOOL.name(), TOOL.description(), "{}")))));
        v.put("two tools", key(new ChatRequest(null, BASE.messages(), 100, 0.5, List.of(TOOL, TOOL))));
        v.put("system prompt", key(withMessages(history("be verbose", "what is 1+1?", "and 2+2?"))));
        v.put("history", key(withMessages(history("be terse", "what is 1+2?", "and 2+2?"))));
        v.put("history role", key(withMessages(List.of(ChatMessage.system("be terse"),
                ChatMessage.assistant("what is 1+1?"), ChatMessage.assistant("it is 2"), ChatMessage.user("and 2+2?")))));
        v.put("history length", key(withMessages(List.of(ChatMessage.system("be terse"), ChatMessage.user("and 2+2?")))));
        v.put("history tool call", key(withMessages(List.of(ChatMessage.system("be terse"),
                ChatMessage.user("what is 1+1?"), ChatMessage.assistant("it is 2", List.of(CALL)),
                ChatMessage.user("and 2+2?")))));
        v.put("history tool result", key(withMessages(List.of(ChatMessage.system("be terse"),
                ChatMessage.user("what is 1+1?"), ChatMessage.assistant("", List.of(CALL)),
                ChatMessage.toolResult("call_1", "calculator", "2"), ChatMessage.user("and 2+2?")))));
        v.put("history tool result id", key(withMessages(List.of(ChatMessage.system("be terse"),
                ChatMessage.user("what is 1+1?"), ChatMessage.assistant("", List.of(CALL)),
                ChatMessage.toolResult("call_2", "calculator", "2"), ChatMessage.user("and 2+2?")))));
        v.put("question", key(withMessages(history("be terse", "what is 1+1?", "and 3+3?"))));
        v.put("temperature", key(new ChatRequest(null, BASE.messages(), 100, 0.7, List.of(TOOL))));
        v.put("no temperature", key(new ChatRequest(null, BASE.messages(), 100, null, List.of(TOOL))));
        return v;
    }

    private static final Set<String> QUESTION_ONLY = Set.of("question", "temperature", "no temperature");

    @Test
    void everyFieldChangesTheExactKey() {
        CacheKey base = key(BASE);
        Set<String> exact = new HashSet<>(List.of(base.exact()));
        variants().forEach((what, k) -> {
            assertNotEquals(base.exact(), k.exact(), what);
            assertTrue(exact.add(k.exact()), what + " collides with another variant");
        });
    }

    @Test
    void theSemanticScopeIgnoresTheQuestionAndTheTemperatureOnly() {
        CacheKey base = key(BASE);
        variants().forEach((what, k) -> {
            if (QUESTION_ONLY.contains(what)) {
                assertEquals(base.semanticScope(), k.semanticScope(), what);
            } else {
                assertNotEquals(base.semanticScope(), k.semanticScope(), what);
            }
        });
        assertEquals("and 2+2?", base.question());
        assertEquals("and 3+3?", variants().get("question").question());
    }

    @Test
    void theSameRequestHasTheSameKeysAndOnlyHashesLeave() {
        CacheKey a = key(BASE);
        CacheKey b = key(new ChatRequest("ignored-model-field", new ArrayList<>(BASE.messages()), 100, 0.5,
                List.of(new ToolSpec(TOOL.name(), TOOL.description(), TOOL.parametersSchema()))));
        assertEquals(a, b);
        assertEquals("acme", a.owner());
        assertTrue(a.exact().matches("[0-9a-f]{64}"), a.exact());
        assertTrue(a.semanticScope().matches("[0-9a-f]{64}"), a.semanticScope());
        assertNotEquals(a.exact(), a.semanticScope());
    }

    @Test
    void fieldsAreLengthPrefixedSoNoTwoSplitsOfTheSameTextCollide() {
        ChatRequest plain = new ChatRequest(null, List.of(ChatMessage.user("q")), null, null);
        assertNotEquals(key("ab", "c", "", plain).exact(), key("a", "bc", "", plain).exact());
        assertNotEquals(key("a", "b", "c", plain).exact(), key("a", "bc", "", plain).exact());
        assertNotEquals(key(withMessages(List.of(ChatMessage.user("ab"), ChatMessage.user("c")))).exact(),
                key(withMessages(List.of(ChatMessage.user("a"), ChatMessage.user("bc")))).exact());
        assertNotEquals(key(withMessages(List.of(ChatMessage.user("x"), ChatMessage.user("q")))).semanticScope(),
                key(withMessages(List.of(ChatMessage.assistant("x"), ChatMessage.user("q")))).semanticScope());
    }

    @Test
    void onlyARequestEndingInTheUsersTextIsCacheable() {
        List<List<ChatMessage>> uncacheable = List.of(
                List.of(),
                List.of(ChatMessage.user("what is 1+1?"), ChatMessage.assistant("", List.of(CALL)),
                        ChatMessage.toolResult("call_1", "calculator", "2")),
                List.of(ChatMessage.user("hi"), ChatMessage.assistant("hello")),
                List.of(ChatMessage.system("be terse")),
                List.of(ChatMessage.user("")),
                List.of(ChatMessage.user(" \n\t ")));
        for (List<ChatMessage> messages : uncacheable) {
            assertEquals(Optional.empty(), CacheKey.of("acme", "m", "", withMessages(messages)), messages.toString());
        }
        assertFalse(CacheKey.of("acme", "m", "", withMessages(List.of(ChatMessage.user("hi")))).isEmpty());
    }
}
