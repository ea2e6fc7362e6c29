package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.cache.AnswerCache;
import io.streamgate.gateway.cache.CachingProvider;
import io.streamgate.llm.LlmProvider;
import java.util.function.BooleanSupplier;
import io.netty.channel.Channel;
import io.streamgate.gateway.routing.Deployment;
import io.streamgate.gateway.routing.ModelRouter;
import io.streamgate.gateway.tools.ToolRegistry;
import io.streamgate.llm.ToolSpec;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Starts streams: wires a {@link StreamBridge} to an output, and gives it the plan its {@link AgentLoop} follows:
 * the provider (the deployments the router chose for the request's model), the conversation turn and the tools.
 * One per gateway; thread-safe.
 */
public final class StreamLauncher {

    /** Makes the turn of one request: where its history comes from and its answer goes. */
    @FunctionalInterface
    public interface TurnFactory {
        ConversationTurn open(String conversationId, String tenant, StreamRequest request);
    }

    private final ModelRouter router;
    private final StreamServices services;
    private final TurnFactory turns;
    private final ToolRegistry tools;
    private final ToolExecutor toolExecutor;
    private final List<String> defaultTools;
    private final Executor starter;
    private final StreamDirectory directory;
    private final AnswerCache cache; // null: off

    public StreamLauncher(
            ModelRouter router,
            StreamServices services,
            TurnFactory turns,
            ToolRegistry tools,
            ToolExecutor toolExecutor,
            List<String> defaultTools,
            StreamDirectory directory,
            Executor starter,
            AnswerCache cache) {
        this.router = requireNonNull(router, "router");
        this.services = requireNonNull(services, "services");
        this.turns = requireNonNull(turns, "turns");
        this.tools = requireNonNull(tools, "tools");
        this.toolExecutor = requireNonNull(toolExecutor, "toolExecutor");
        this.defaultTools = List.copyOf(defaultTools);
        this.starter = requireNonNull(starter, "starter");
        this.directory = requireNonNull(directory, "directory");
        this.cache = cache;
        tools.specs(this.defaultTools); // fail at start on a misspelt default
    }

    /** How the answer is delivered. */
    public enum Delivery { SSE, JSON_DOCUMENT }

    /**
     * Starts a stream on {@code channel}'s event loop; the caller must be on it. {@code onEnd} runs on the event
     * loop once the stream has ended, however it ended.
     *
     * @throws BadRequestException when the request names a tool the gateway does not have; nothing started then
     * @throws ModelNotFoundException when no route serves the request's model; nothing started then
     */
    public StreamBridge launch(
            Channel channel,
            String conversationId,
            String tenant,
            StreamRequest request,
            Delivery delivery,
            long acceptedNanos,
            Runnable onEnd) {
        List<ToolSpec> offered = toolSpecs(request);
        List<Deployment> candidates = candidates(request);
        StreamJournal journal = delivery == Delivery.SSE ? directory.open(conversationId, tenant, channel.eventLoop()) : null;
        EventOutput output = journal != null
                ? new SseOutput(channel, journal)
                : new JsonAnswerOutput(channel, conversationId);
        StreamTag tag = new StreamTag(conversationId, tenant, request.model() == null ? "-" : request.model(),
                candidates.getFirst().name(), router.label(request.model()));
        StreamBridge bridge = new StreamBridge(channel.eventLoop(), output, tag, services, acceptedNanos, onEnd);
        if (journal != null) {
            journal.bind(bridge);
        }
        LlmProvider provider = router.provider(candidates);
        BooleanSupplier fromCache = () -> false;
        if (cache != null && request.cache().any()) {
            CachingProvider cached = cache.forStream(provider, tenant,
                    request.model() + "\0" + router.label(request.model()), request.cache());
            provider = cached;
            fromCache = cached::servedFromCache;
        }
        bridge.start(new StreamPlan(provider, request.toChatRequest(offered),
                turns.open(conversationId, tenant, request), toolExecutor, starter, fromCache));
        return bridge;
    }

    /**
     * Refuses a request {@link #launch} would refuse, before anything (a conversation claim) is done for it.
     *
     * @throws BadRequestException when the request names a tool the gateway does not have
     * @throws ModelNotFoundException when no route serves the request's model
     */
    public void check(StreamRequest request) {
        toolSpecs(request);
        candidates(request);
    }

    private List<Deployment> candidates(StreamRequest request) {
        List<Deployment> candidates = router.candidates(request.model());
        if (candidates.isEmpty()) {
            String model = String.valueOf(request.model());
            throw new ModelNotFoundException("no route serves the model '"
                    + (model.length() > 100 ? model.substring(0, 100) + "…" : model) + "'");
        }
        return candidates;
    }

    private List<ToolSpec> toolSpecs(StreamRequest request) {
        try {
            return tools.specs(request.tools() == null ? defaultTools : request.tools());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
