package io.streamgate.gateway.tools;

import static io.streamgate.gateway.tools.ToolRegistryTest.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ToolRunnerTest {

    /** A guard against a hung test only; no test waits for it to pass. */
    private static final long GUARD_SECONDS = 30;

    private static ToolCall call(String id, String name, String args) {
        return new ToolCall(id, name, args);
    }

    private static Tool awaiting(String name, CountDownLatch latch) {
        return tool(name, args -> {
            latch.countDown();
            try {
                if (!latch.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
                    throw new ToolException("ran alone");
                }
            } catch (InterruptedException e) {
                throw new ToolException("interrupted");
            }
            return "{\"tool\":\"" + name + "\"}";
        });
    }

    @Test
    void runsCallsInParallelAndAnswersInCallOrder() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        ToolRunner runner = new ToolRunner(ToolRegistry.of(List.of(awaiting("a", bothRunning), awaiting("b", bothRunning))));
        List<ToolResult> results = runner.runAll(List.of(call("2", "b", "{}"), call("1", "a", "{}")));
        assertEquals(List.of(
                new ToolResult("2", "b", "{\"tool\":\"b\"}", false),
                new ToolResult("1", "a", "{\"tool\":\"a\"}", false)), results);
    }

    @Test
    void aTimedOutCallIsAnErrorAndItsThreadIsInterrupted() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Tool stuck = tool("stuck", args -> {
            try {
                never.await();
                return "{}";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new ToolException("interrupted");
            }
        });
        ToolRunner runner = new ToolRunner(ToolRegistry.of(List.of(stuck)), Duration.ofMillis(50));
        List<ToolResult> results = runner.runAll(List.of(call("s", "stuck", "{}")));
        assertEquals(List.of(new ToolResult("s", "stuck", "{\"error\":\"tool 'stuck' timed out after 50 ms\"}", true)),
                results);
        assertTrue(interrupted.await(GUARD_SECONDS, TimeUnit.SECONDS), "the stuck tool was not interrupted");
    }

    @Test
    void cancellingTheBatchInterruptsItsCalls() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Tool stuck = tool("stuck", args -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
                return "{}";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new ToolException("interrupted");
            }
        });
        CompletableFuture<List<ToolResult>> all =
                new ToolRunner(ToolRegistry.of(List.of(stuck))).runAllAsync(List.of(call("s", "stuck", "{}")));
        assertTrue(started.await(GUARD_SECONDS, TimeUnit.SECONDS));
        all.cancel(true);
        assertTrue(interrupted.await(GUARD_SECONDS, TimeUnit.SECONDS), "the tool was not interrupted");
    }

    @Test
    void failuresBecomeErrorResults() throws Exception {
        Tool throwing = tool("throwing", args -> {
            throw new IllegalStateException("secret internal detail");
        });
        Tool refusing = tool("refusing", args -> {
            throw new ToolException("no can do");
        });
        Tool garbage = tool("garbage", args -> "not json");
        ToolRunner runner = new ToolRunner(
                ToolRegistry.of(List.of(throwing, refusing, garbage)).with(List.of(new CalculatorTool())));
        List<ToolResult> results = runner.runAll(List.of(
                call("1", "nope", "{}"),
                call("2", "calculator", "[1,2]"),
                call("3", "calculator", "{\"expression\":"),
                call("4", "throwing", "{}"),
                call("5", "refusing", "{}"),
                call("6", "garbage", "{}"),
                call("7", "calculator", "{\"expression\":\"1/0\"}")));
        assertEquals(List.of(
                "{\"error\":\"unknown tool 'nope'\"}",
                "{\"error\":\"the arguments of 'calculator' must be a JSON object\"}",
                "{\"error\":\"the arguments of 'calculator' must be a JSON object\"}",
                "{\"error\":\"tool 'throwing' failed\"}",
                "{\"error\":\"no can do\"}",
                "{\"error\":\"tool 'garbage' returned an invalid result\"}",
                "{\"error\":\"division by zero at position 2\"}"),
                results.stream().map(ToolResult::resultJson).toList());
        assertTrue(results.stream().allMatch(ToolResult::isError));
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7"), results.stream().map(ToolResult::toolCallId).toList());
    }

    @Test
    void blankArgumentsMeanNone() throws Exception {
        ToolResult r = new ToolRunner(ToolRegistry.builtIns()).runAll(List.of(call("1", "current_time", ""))).getFirst();
        assertFalse(r.isError(), r.resultJson());
    }

    @Test
    void noCallsNoResults() throws Exception {
        assertEquals(List.of(), new ToolRunner(ToolRegistry.builtIns()).runAllAsync(List.of()).get());
    }
}
