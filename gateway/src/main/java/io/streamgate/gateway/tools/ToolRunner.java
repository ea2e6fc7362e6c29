package io.streamgate.gateway.tools;

import static java.util.Objects.requireNonNull;

import io.streamgate.gateway.metrics.LogValue;
import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * <p>Only the tools the request offered may run: a call to any other tool, even one the gateway has, is refused
 * without running it, since the model may have been talked into it by text it read.
 *
 * <p>Every call yields a {@link ToolResult}, in the order of the calls; nothing here throws for a failing tool,
 * because the model should see the failure and can react to it. A tool that was not offered, arguments that are
 * not valid JSON or not a JSON object (the tool does not run), a {@link ToolException}, any other exception, a
 * result that is not JSON, and a timeout each become an error result {@code {"error":"..."}}. Arguments and
 * results are parsed and rewritten by the JSON generator ({@link JsonText#compact}), so what a tool is given and
 * what it returns is always one compact JSON value. A timed-out call's thread is interrupted, and so are all of a batch's
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
     * Starts every call at once; {@code offered} names the tools the request offered, the only ones that may run. and completes with their results in the calls' order. The future never completes
     * exceptionally; cancelling it interrupts the calls still running. It may complete on a tool's thread, so
     * callers hop to their own executor (for the gateway: the channel's event loop).
     */
    public CompletableFuture<List<ToolResult>> runAllAsync(List<ToolCall> calls, Set<String> offered) {
        requireNonNull(calls, "calls");
        Set<String> allowed = Set.copyOf(offered);
        List<CompletableFuture<ToolResult>> each = new ArrayList<>(calls.size());
        for (ToolCall call : calls) {
            each.add(start(requireNonNull(call, "call"), allowed));
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
    public List<ToolResult> runAll(List<ToolCall> calls, Set<String> offered) throws InterruptedException {
        CompletableFuture<List<ToolResult>> all = runAllAsync(calls, offered);
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
    private CompletableFuture<ToolResult> start(ToolCall call, Set<String> offered) {
        CompletableFuture<ToolResult> result = new CompletableFuture<>();
        Thread worker = threads.newThread(() -> {
            try {
                result.complete(invoke(call, offered));
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

    private ToolResult invoke(ToolCall call, Set<String> offered) {
        Tool tool = registry.find(call.name()).orElse(null);
        if (tool == null || !offered.contains(call.name())) {
            // Worth a line: a model calling what it was not offered may have been steered by text it read.
            log.info("refused a call to tool {}: {}", LogValue.of(call.name()),
                    tool == null ? "no such tool" : "not offered");
            return ToolResult.error(call, tool == null ? "unknown tool '" + call.name() + "'"
                    : "tool '" + call.name() + "' was not offered in this request; "
                            + (offered.isEmpty() ? "no tools were offered" : "the tools offered are " + sorted(offered)));
        }
        // Some models send "" for a tool without parameters; that means no arguments, not bad ones.
        String arguments;
        try {
            arguments = JsonText.compact(call.argumentsJson().isBlank() ? "{}" : call.argumentsJson());
        } catch (JsonText.MalformedJsonException e) {
            return ToolResult.error(call, "the arguments of '" + call.name() + "' were not valid JSON: "
                    + e.getMessage() + "; the tool did not run");
        }
        if (arguments.charAt(0) != '{') {
            return ToolResult.error(call, "the arguments of '" + call.name() + "' must be a JSON object");
        }
        try {
            String json = tool.call(arguments);
            if (json == null) {
                throw new JsonText.MalformedJsonException("the tool returned nothing");
            }
            return ToolResult.success(call, JsonText.compact(json));
        } catch (JsonText.MalformedJsonException e) {
            // Not the reason: it may quote the result, and results stay out of the log as answers do.
            log.warn("tool {} returned a result that is not one JSON value", LogValue.of(call.name()));
            return ToolResult.error(call, "tool '" + call.name() + "' returned an invalid result");
        } catch (ToolException e) {
            return ToolResult.error(call, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("tool {} failed: {}", LogValue.of(call.name()), LogValue.of(e));
            return ToolResult.error(call, "tool '" + call.name() + "' failed");
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
