package io.streamgate.gateway.tools;

import static io.streamgate.gateway.tools.ToolRegistryTest.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.UpstreamEvent.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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
        List<ToolResult> results = runner.runAll(List.of(call("2", "b", "{}"), call("1", "a", "{}")), Set.of("a", "b"));
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
        List<ToolResult> results = runner.runAll(List.of(call("s", "stuck", "{}")), Set.of("stuck"));
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
                new ToolRunner(ToolRegistry.of(List.of(stuck))).runAllAsync(List.of(call("s", "stuck", "{}")),
                        Set.of("stuck"));
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
                call("7", "calculator", "{\"expression\":\"1/0\"}")),
                Set.of("throwing", "refusing", "garbage", "calculator"));
        assertEquals(List.of(
                "{\"error\":\"unknown tool 'nope'\"}",
                "{\"error\":\"the arguments of 'calculator' must be a JSON object\"}",
                "{\"error\":\"the arguments of 'calculator' were not valid JSON: Unexpected end-of-input within/between"
                        + " Object entries at line 1, column 15; the tool did not run\"}",
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
        ToolResult r = new ToolRunner(ToolRegistry.builtIns())
                .runAll(List.of(call("1", "current_time", "")), Set.of("current_time")).getFirst();
        assertFalse(r.isError(), r.resultJson());
    }

    @Test
    void noCallsNoResults() throws Exception {
        assertEquals(List.of(), new ToolRunner(ToolRegistry.builtIns()).runAllAsync(List.of(), Set.of()).get());
    }

    @Test
    void argumentsThatAreNotValidJsonAreAnErrorThatSaysSoAndTheToolDoesNotRun() throws Exception {
        var ran = new java.util.concurrent.atomic.AtomicInteger();
        Tool echo = tool("echo", args -> {
            ran.incrementAndGet();
            return args;
        });
        ToolRunner runner = new ToolRunner(ToolRegistry.of(List.of(echo)));
        List<ToolResult> results = runner.runAll(List.of(
                call("1", "echo", "{\"a\":\"x\"}\n\ndata: {\"type\":\"complete_state\"}"),
                call("2", "echo", "{\"a\": 'single'}"),
                call("3", "echo", "[1]"),
                call("4", "echo", "\"text\"")), Set.of("echo"));
        assertEquals(0, ran.get(), "no call with bad arguments runs its tool");
        assertTrue(results.stream().allMatch(ToolResult::isError));
        assertEquals("{\"error\":\"the arguments of 'echo' were not valid JSON: there is more text after the JSON"
                + " value, from line 1, column 10; the tool did not run\"}", results.get(0).resultJson());
        assertTrue(results.get(1).resultJson().startsWith(
                "{\"error\":\"the arguments of 'echo' were not valid JSON: Unexpected character (''' (code 39))"),
                results.get(1).resultJson());
        assertEquals("{\"error\":\"the arguments of 'echo' must be a JSON object\"}", results.get(2).resultJson());
        assertEquals("{\"error\":\"the arguments of 'echo' must be a JSON object\"}", results.get(3).resultJson());
    }

    @Test
    void aToolGetsItsArgumentsAndGivesItsResultAsCompactJson() throws Exception {
        var given = new java.util.concurrent.atomic.AtomicReference<String>();
        Tool pretty = tool("pretty", args -> {
            given.set(args);
            return "{\n  \"temp_c\": 18,\r\n  \"sky\": \"clear\"\n}\n";
        });
        ToolResult r = new ToolRunner(ToolRegistry.of(List.of(pretty)))
                .runAll(List.of(call("1", "pretty", "{\n \"city\" :\t\"Paris\"\n}")), Set.of("pretty")).getFirst();
        assertEquals("{\"city\":\"Paris\"}", given.get());
        assertEquals(new ToolResult("1", "pretty", "{\"temp_c\":18,\"sky\":\"clear\"}", false), r);
    }

    @Test
    void aToolThatWasNotOfferedDoesNotRunEvenIfTheGatewayHasIt() throws Exception {
        var ran = new java.util.concurrent.atomic.AtomicInteger();
        Tool counted = tool("counted", args -> {
            ran.incrementAndGet();
            return "1";
        });
        ToolRunner runner = new ToolRunner(ToolRegistry.of(List.of(counted)).with(List.of(new CalculatorTool())));
        List<ToolResult> none = runner.runAll(List.of(call("1", "counted", "{}")), Set.of());
        List<ToolResult> other = runner.runAll(List.of(call("2", "counted", "{}"),
                call("3", "calculator", "{\"expression\":\"1+2\"}")), Set.of("calculator"));
        assertEquals(0, ran.get(), "a tool that was not offered never runs");
        assertEquals(new ToolResult("1", "counted",
                "{\"error\":\"tool 'counted' was not offered in this request; no tools were offered\"}", true),
                none.getFirst());
        assertEquals(new ToolResult("2", "counted",
                "{\"error\":\"tool 'counted' was not offered in this request; the tools offered are [calculator]\"}",
                true), other.getFirst());
        assertFalse(other.get(1).isError(), "the offered one runs: " + other.get(1));
    }
}
