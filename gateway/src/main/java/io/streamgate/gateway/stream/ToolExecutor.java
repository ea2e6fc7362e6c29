package io.streamgate.gateway.stream;

import io.streamgate.llm.UpstreamEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the tools a model asked for, off the event loop. The future completes with one outcome per call, in the
 * calls' order; a failing tool is an outcome with {@code isError}, never an exceptional completion.
 */
@FunctionalInterface
public interface ToolExecutor {

    /** The result of one call; {@code resultJson} is any JSON value. */
    record Outcome(String toolCallId, String toolName, String resultJson, boolean isError) {}

    CompletableFuture<List<Outcome>> run(List<UpstreamEvent.ToolCall> calls);

    /** For streams that offer no tools: any call is answered with an error the model can read. */
    ToolExecutor NONE = calls -> CompletableFuture.completedFuture(calls.stream()
            .map(c -> new Outcome(c.id(), c.name(), "{\"error\":\"no tools are available\"}", true))
            .toList());
}
