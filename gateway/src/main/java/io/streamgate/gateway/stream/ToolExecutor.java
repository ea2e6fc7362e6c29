package io.streamgate.gateway.stream;

import io.streamgate.gateway.tools.ToolResult;
import io.streamgate.llm.UpstreamEvent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the tools a model asked for, off the event loop. Only tools named in {@code offered} (those the request
 * offered) may run; a call to any other is answered with an error result and not run. The future completes with
 * one result per call, in the calls' order; a failing tool is a result with {@code isError}, never an exceptional completion. Cancelling the
 * future interrupts the calls still running. {@code ToolRunner::runAllAsync} is the real one.
 */
@FunctionalInterface
public interface ToolExecutor {

    CompletableFuture<List<ToolResult>> run(List<UpstreamEvent.ToolCall> calls, Set<String> offered);
}
