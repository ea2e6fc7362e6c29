package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tool calls of one model step in parallel, each on its own virtual thread and under a timeout.
 *
 * <p>Every call yields a {@link ToolResult}, in the order of the calls; nothing here throws for a failing tool,
 * because the model should see the failure and can react to it. An unknown tool, arguments that are not a JSON
 * object, a {@link ToolException}, any other exception, a result that is not JSON, and a timeout each become an
 * error result {@code {"error":"..."}}. A timed-out call's thread is interrupted, and so are all of a batch's
 * threads when the future from {@link #runAllAsync} is cancelled (the client went away).
 *
 * <p>Thread-safe; one runner serves every stream.
 */
public final class ToolRunner {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ToolRunner.class);

    private final ToolRegistry registry;
    private final Duration timeout;
    private final ThreadFactory threads = Thread.ofVirtual().name("tool-", 0).factory();
    private final Executor virtualThreads = task -> threads.newThread(task).start();

    public ToolRunner(ToolRegistry registry) {
        this(registry, DEFAULT_TIMEOUT);
    }

    public ToolRunner(ToolRegistry registry, Duration timeout) {
        this.registry = requireNonNull(registry, "registry");
        this.timeout = requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the tool timeout must be positive, got " + timeout);
        }
    }

    /**
     * Starts every call at once and completes with their results in the calls' order. The future never completes
     * exceptionally; cancelling it interrupts the calls still running. It may complete on a tool's thread, so
     * callers hop to their own executor (for the gateway: the channel's event loop).
     */
    public CompletableFuture<List<ToolResult>> runAllAsync(List<ToolCall> calls) {
        requireNonNull(calls, "calls");
        List<CompletableFuture<ToolResult>> each = new ArrayList<>(calls.size());
        for (ToolCall call : calls) {
            each.add(start(requireNonNull(call, "call")));
        }
        CompletableFuture<List<ToolResult>> all = CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
        all.whenComplete((results, failure) -> {
            if (all.isCancelled()) {
                each.forEach(f -> f.cancel(true));
            }
        });
        return all;
    }

    /**
     * Runs every call in parallel and waits for all of them.
     *
     * @throws InterruptedException when the caller is interrupted; the calls still running are interrupted too
     */
    public List<ToolResult> runAll(List<ToolCall> calls) throws InterruptedException {
        CompletableFuture<List<ToolResult>> all = runAllAsync(calls);
        try {
            return all.get();
        } catch (InterruptedException e) {
            all.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("tool results never fail", e);
        }
    }

    /**
     * Starts one call on a fresh virtual thread. Whoever completes the future first wins: the tool, the timeout,
     * or a cancel; the latter two interrupt the thread, but only if they won, so a finished tool's thread is
     * never interrupted while it runs the future's continuations.
     */
    private CompletableFuture<ToolResult> start(ToolCall call) {
        CompletableFuture<ToolResult> result = new CompletableFuture<>();
        Thread worker = threads.newThread(() -> {
            try {
                result.complete(invoke(call));
            } finally {
                result.complete(ToolResult.error(call, "tool '" + call.name() + "' failed"));
            }
        });
        worker.start();
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, virtualThreads).execute(() -> {
            if (result.complete(ToolResult.error(call, "tool '" + call.name() + "' timed out after " + describe(timeout)))) {
                worker.interrupt();
            }
        });
        result.whenComplete((r, failure) -> {
            if (result.isCancelled()) {
                worker.interrupt();
            }
        });
        return result;
    }

    private ToolResult invoke(ToolCall call) {
        Tool tool = registry.find(call.name()).orElse(null);
        if (tool == null) {
            return ToolResult.error(call, "unknown tool '" + call.name() + "'");
        }
        // Some models send "" for a tool without parameters; that means no arguments, not bad ones.
        String arguments = call.argumentsJson().isBlank() ? "{}" : call.argumentsJson();
        if (!JsonText.isObject(arguments)) {
            return ToolResult.error(call, "the arguments of '" + call.name() + "' must be a JSON object");
        }
        try {
            String json = tool.call(arguments);
            if (json == null || !JsonText.isValue(json)) {
                log.warn("tool {} returned a result that is not one JSON value", call.name());
                return ToolResult.error(call, "tool '" + call.name() + "' returned an invalid result");
            }
            return ToolResult.success(call, json);
        } catch (ToolException e) {
            return ToolResult.error(call, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("tool {} failed", call.name(), e);
            return ToolResult.error(call, "tool '" + call.name() + "' failed");
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
