package io.streamgate.llm.openai;

import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.UpstreamError;
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
 *
 * <p>What it holds is bounded by {@link StreamLimits}: the calls of the stream, each call's arguments, and a name's
 * length. The first fragment over a limit ends the gathering: it and every fragment after it are dropped, and
 * {@link #overLimit()} says which limit it was.
 */
final class ToolCallAssembler {

    private static final class Partial {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
        long argumentBytes;
    }

    private final StreamLimits limits;
    private final TreeMap<Integer, Partial> pending = new TreeMap<>();
    private int nextIndex;
    private int started; // calls started in this stream, drained or not
    private UpstreamError overLimit;

    ToolCallAssembler(StreamLimits limits) {
        this.limits = limits;
    }

    /**
     * @param index the fragment's {@code index}, or a negative number when it had none
     * @param id the call id, or {@code null}
     * @param name the function name, or {@code null}
     * @param arguments a piece of the arguments JSON text, or {@code null}
     */
    void add(int index, String id, String name, String arguments) {
        if (overLimit != null) {
            return;
        }
        if (name != null && name.length() > StreamLimits.MAX_TOOL_NAME_CHARS) {
            refuse(StreamLimits.toolNameTooLong());
            return;
        }
        int slot = index >= 0 ? index : (id != null || pending.isEmpty() ? nextIndex : pending.lastKey());
        Partial existing = pending.get(slot);
        if (existing != null && existing.id != null && id != null && !id.isEmpty() && !id.equals(existing.id)) {
            slot = nextIndex; // a second id under one index is a second call (older Ollama sends index 0 for all)
        }
        Partial call = pending.get(slot);
        if (call == null) {
            if (++started > limits.maxToolCalls()) {
                refuse(limits.tooManyToolCalls());
                return;
            }
            call = new Partial();
            pending.put(slot, call);
        }
        nextIndex = Math.max(nextIndex, slot + 1);
        if (call.id == null && id != null && !id.isEmpty()) {
            call.id = id;
        }
        if (call.name == null && name != null && !name.isEmpty()) {
            call.name = name;
        }
        if (arguments != null) {
            call.argumentBytes += StreamLimits.utf8Length(arguments);
            if (call.argumentBytes > limits.maxToolArgumentBytes()) {
                refuse(limits.argumentsTooLarge());
                return;
            }
            call.arguments.append(arguments);
        }
    }

    /** The stream ends here: what was gathered is let go at once. */
    private void refuse(UpstreamError error) {
        overLimit = error;
        pending.clear();
    }

    /** The limit a fragment went over, or {@code null} while none has been. */
    UpstreamError overLimit() {
        return overLimit;
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
