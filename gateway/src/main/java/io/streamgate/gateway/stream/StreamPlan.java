package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.LlmProvider;
import io.streamgate.llm.ToolSpec;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * What one stream will do: which provider it calls with which request settings and tools, the conversation turn
 * it reads and writes, and {@code starter}, the executor for store work (the {@code StoreExecutor}'s platform
 * threads), which also opens every provider call but a new conversation's first (see {@link AgentLoop}).
 *
 * @param request model, limits and tool specs; its messages are replaced by the turn's
 * @param fromCache whether the answer was served from the answer cache (asked once the provider has finished): then
 *     no provider was called, and nothing is billed
 */
public record StreamPlan(
        LlmProvider provider, ChatRequest request, ConversationTurn turn, ToolExecutor tools, Executor starter,
        BooleanSupplier fromCache) {

    public StreamPlan(
            LlmProvider provider, ChatRequest request, ConversationTurn turn, ToolExecutor tools, Executor starter) {
        this(provider, request, turn, tools, starter, () -> false);
    }

    public StreamPlan {
        requireNonNull(provider, "provider");
        requireNonNull(request, "request");
        requireNonNull(turn, "turn");
        requireNonNull(tools, "tools");
        requireNonNull(starter, "starter");
        requireNonNull(fromCache, "fromCache");
    }

    /** The names of the tools the provider is offered: the only ones the model's calls may run. */
    public Set<String> offeredTools() {
        return request.tools().stream().map(ToolSpec::name).collect(Collectors.toUnmodifiableSet());
    }
}
