package io.streamgate.llm.openai;

import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Joins {@code delta.tool_calls} fragments into whole calls.
 *
 * <p>OpenAI and vLLM send a call's {@code id} and {@code function.name} in its first fragment and the arguments in
 * pieces, with parallel calls told apart by {@code index}. Ollama sends each call whole, and older versions leave
 * out {@code index} or send 0 for every call; a fragment without an index starts a new call if it carries an id,
 * and continues the last call otherwise, and a new id under an index already taken starts a new call. Calls come
 * out in index order, because that is the order the model wrote them in.
 */
final class ToolCallAssembler {

    private static final class Partial {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    private final TreeMap<Integer, Partial> pending = new TreeMap<>();
    private int nextIndex;

    /**
     * @param index the fragment's {@code index}, or a negative number when it had none
     * @param id the call id, or {@code null}
     * @param name the function name, or {@code null}
     * @param arguments a piece of the arguments JSON text, or {@code null}
     */
    void add(int index, String id, String name, String arguments) {
        int slot = index >= 0 ? index : (id != null || pending.isEmpty() ? nextIndex : pending.lastKey());
        Partial existing = pending.get(slot);
        if (existing != null && existing.id != null && id != null && !id.isEmpty() && !id.equals(existing.id)) {
            slot = nextIndex; // a second id under one index is a second call (older Ollama sends index 0 for all)
        }
        nextIndex = Math.max(nextIndex, slot + 1);
        Partial call = pending.computeIfAbsent(slot, k -> new Partial());
        if (call.id == null && id != null && !id.isEmpty()) {
            call.id = id;
        }
        if (call.name == null && name != null && !name.isEmpty()) {
            call.name = name;
        }
        if (arguments != null) {
            call.arguments.append(arguments);
        }
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Returns the calls gathered so far, in index order, and forgets them. */
    List<ToolCall> drain() {
        List<ToolCall> calls = new ArrayList<>(pending.size());
        pending.forEach((index, call) -> calls.add(new ToolCall(
                call.id != null ? call.id : "call_" + index,
                call.name != null ? call.name : "",
                call.arguments.isEmpty() || call.arguments.toString().isBlank() ? "{}" : call.arguments.toString())));
        pending.clear();
        return calls;
    }
}
