package io.streamgate.llm.openai;

import static io.streamgate.llm.MockUpstream.fixture;
import static io.streamgate.llm.MockUpstream.sse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.llm.ChatMessage;
import io.streamgate.llm.ChatRequest;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.MockUpstream;
import io.streamgate.llm.RecordingSink;
import io.streamgate.llm.StreamLimits;
import io.streamgate.llm.UpstreamCall;
import io.streamgate.llm.UpstreamClients;
import io.streamgate.llm.UpstreamError;
import io.streamgate.llm.UpstreamEvent;
import io.streamgate.llm.UpstreamFailures;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** End to end through each transport and real sockets: what the gateway will see from each kind of upstream. */
@ParameterizedClass
@EnumSource(MockUpstream.Kind.class)
class OpenAiProviderTest {

    private static final String TEXT_CHUNK = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
    private static final ChatRequest HELLO = new ChatRequest(null, List.of(ChatMessage.user("hello")), null, null);

    @RegisterExtension
    final MockUpstream upstream;

    OpenAiProviderTest(MockUpstream.Kind kind) {
        this.upstream = new MockUpstream(kind);
    }

    private OpenAiProvider provider(String apiKey, String defaultModel) {
        return OpenAiProvider.create(upstream.transport(), upstream.baseUrl(), apiKey, defaultModel);
    }

    @Test
    void replaysTextFixture() throws Exception {
        upstream.server().enqueue(sse(fixture(OpenAiFixtureReplayTest.TEXT_FIXTURE)));

        OpenAiFixtureReplayTest.assertTextFixture(upstream.streamToEnd(provider(null, "gpt-4o"), HELLO));
    }

    @Test
    void replaysParallelToolsFixture() throws Exception {
        upstream.server().enqueue(sse(fixture(OpenAiFixtureReplayTest.TOOLS_FIXTURE)));

        OpenAiFixtureReplayTest.assertToolsFixture(upstream.streamToEnd(provider(null, "gpt-4o"), HELLO));
    }

    @Test
    void sendsStreamingRequestWithUsageKeyAndNoCompression() throws Exception {
        upstream.server().enqueue(sse(fixture(OpenAiFixtureReplayTest.TEXT_FIXTURE)));
        ChatRequest request = new ChatRequest(
                "gpt-test",
                List.of(ChatMessage.system("be brief"), ChatMessage.user("say \"hi\"\n")),
                64,
                0.5);

        upstream.streamToEnd(provider("test-key", "default-model"), request);

        RecordedRequest recorded = upstream.server().takeRequest();
        assertEquals("POST", recorded.getMethod());
        assertEquals("/v1/chat/completions", recorded.getUrl().encodedPath());
        assertEquals("Bearer test-key", recorded.getHeaders().get("Authorization"));
        assertEquals("text/event-stream", recorded.getHeaders().get("Accept"));
        assertEquals("identity", recorded.getHeaders().get("Accept-Encoding"));
        assertEquals("application/json; charset=utf-8", recorded.getHeaders().get("Content-Type"));
        assertEquals(
                "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                        + "{\"role\":\"user\",\"content\":\"say \\\"hi\\\"\\n\"}],"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"max_tokens\":64,\"temperature\":0.5}",
                recorded.getBody().utf8());
    }

    @Test
    void usesDefaultModelAndSendsNoAuthorizationWithoutKey() throws Exception {
        upstream.server().enqueue(sse(fixture(OpenAiFixtureReplayTest.TEXT_FIXTURE)));

        upstream.streamToEnd(OpenAiProvider.create(upstream.transport(), upstream.baseUrl() + "/", null, "llama3"), HELLO);

        RecordedRequest recorded = upstream.server().takeRequest();
        assertEquals("/v1/chat/completions", recorded.getUrl().encodedPath());
        assertNull(recorded.getHeaders().get("Authorization"));
        assertEquals(
                "{\"model\":\"llama3\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                recorded.getBody().utf8());
    }

    @ParameterizedTest
    @CsvSource({
        "429, RATE_LIMITED, true",
        "500, UPSTREAM_UNAVAILABLE, true",
        "502, UPSTREAM_UNAVAILABLE, true",
        "503, OVERLOADED, true",
        "529, OVERLOADED, true",
        "400, BAD_REQUEST, false",
        "404, BAD_REQUEST, false",
        "422, BAD_REQUEST, false",
        "401, UPSTREAM_ERROR, false",
        "403, UPSTREAM_ERROR, false",
    })
    void mapsErrorStatusToOneFailure(int status, ErrorCode code, boolean retryable) throws Exception {
        upstream.server().enqueue(errorResponse(status, "{\"error\":{\"message\":\"provider says no\",\"type\":\"x\",\"code\":null}}"));

        RecordingSink sink = upstream.streamToEnd(provider("k", "m"), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(code, error.code());
        assertEquals(retryable, error.retryable());
        assertEquals(status, error.httpStatus());
        // A 404 that is not about a model also says where to look (see the next tests).
        assertEquals("upstream returned HTTP " + status + ": provider says no"
                + (status == 404 ? UpstreamFailures.MISSING_PATH_HINT : ""), error.message());
        assertEquals(1, sink.events().size());
    }

    @Test
    void aBaseUrlWithoutItsVersionPathGetsA404ThatSuggestsV1() throws Exception {
        upstream.server().enqueue(new MockResponse.Builder().code(404).setHeader("Content-Type", "text/plain")
                .body("404 page not found").build()); // what Ollama answers for /chat/completions without /v1
        OpenAiProvider withoutVersion = OpenAiProvider.create(upstream.transport(), upstream.server().url("/").toString(),
                null, "m");

        UpstreamError error = upstream.streamToEnd(withoutVersion, HELLO).awaitFailure();

        assertEquals("/chat/completions", upstream.server().takeRequest().getUrl().encodedPath());
        assertEquals(ErrorCode.BAD_REQUEST, error.code());
        assertEquals("upstream returned HTTP 404" + UpstreamFailures.MISSING_PATH_HINT, error.message());
        assertTrue(error.message().contains("e.g. /v1"), error.message());
    }

    @Test
    void a404ForAnUnknownModelDoesNotBlameTheUrl() throws Exception {
        upstream.server().enqueue(errorResponse(404, "{\"error\":{\"message\":\"The model `gpt-9` does not exist\","
                + "\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}"));

        UpstreamError error = upstream.streamToEnd(provider("k", "gpt-9"), HELLO).awaitFailure();

        assertEquals("upstream returned HTTP 404: The model `gpt-9` does not exist", error.message());
    }

    @Test
    void errorMessageIsTruncatedAndKeysAreRedacted() throws Exception {
        String providerMessage = "Incorrect API key provided: sk-proj-abcdef1234567890. " + "x".repeat(2_000);
        upstream.server().enqueue(errorResponse(401, "{\"error\":{\"message\":\"" + providerMessage + "\"}}"));

        UpstreamError error = upstream.streamToEnd(provider("k", "m"), HELLO).awaitFailure();

        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertFalse(error.message().contains("sk-proj"), error.message());
        assertTrue(error.message().startsWith("upstream returned HTTP 401: Incorrect API key provided: [redacted]"), error.message());
        assertTrue(error.message().length() < 240, "length " + error.message().length());
    }

    @Test
    void errorBodyIsReadOnlyUpTo8KiB() throws Exception {
        // The message lies beyond the first 8 KiB, so it is never read; the status alone classifies the failure.
        upstream.server().enqueue(errorResponse(500, "{\"padding\":\"" + "p".repeat(9_000) + "\",\"error\":{\"message\":\"late\"}}"));

        UpstreamError error = upstream.streamToEnd(provider("k", "m"), HELLO).awaitFailure();

        assertEquals("upstream returned HTTP 500", error.message());
        assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, error.code());
    }

    private static MockResponse errorResponse(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body).build();
    }

    @Test
    void bodyEndingBeforeDoneFailsOnce() throws Exception {
        upstream.server().enqueue(sse(fixture(OpenAiFixtureReplayTest.TEXT_FIXTURE).replace("data: [DONE]\n\n", "")));

        RecordingSink sink = upstream.streamToEnd(provider(null, "m"), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertEquals("upstream stream ended before [DONE]", error.message());
        assertTrue(error.retryable());
        assertEquals(OpenAiFixtureReplayTest.EXPECTED_TEXT, sink.text());
    }

    @Test
    void inStreamErrorFailsOnceAndNothingFollows() throws Exception {
        upstream.server().enqueue(sse(TEXT_CHUNK
                + "data: {\"error\":{\"message\":\"The server had an error while processing your request.\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"
                + TEXT_CHUNK
                + "data: [DONE]\n\n"));

        RecordingSink sink = upstream.streamToEnd(provider(null, "m"), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertTrue(error.retryable());
        assertEquals("upstream reported an error: The server had an error while processing your request.", error.message());
        assertEquals("Hel", sink.text());
        assertEquals(2, sink.events().size(), () -> "events: " + sink.events());
    }

    @Test
    void malformedJsonFailsOnce() throws Exception {
        upstream.server().enqueue(sse(TEXT_CHUNK + "data: {\"choices\":[{\"delta\":\n\n" + TEXT_CHUNK + "data: [DONE]\n\n"));

        RecordingSink sink = upstream.streamToEnd(provider(null, "m"), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertEquals("upstream sent malformed JSON", error.message());
        assertEquals("Hel", sink.text());
    }

    @Test
    void nonEventStreamAnswerFailsOnce() throws Exception {
        upstream.server().enqueue(new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body("{\"choices\":[]}")
                .build());

        UpstreamError error = upstream.streamToEnd(provider(null, "m"), HELLO).awaitFailure();

        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertFalse(error.retryable());
        assertEquals("upstream answered application/json instead of text/event-stream", error.message());
    }

    /** One tool call: its id and name, then its arguments in {@code pieces}, then the finish and the end marker. */
    private static String toolCallStream(String name, String... pieces) {
        StringBuilder body = new StringBuilder("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"" + name
                + "\",\"arguments\":\"\"}}]}}]}\n\n");
        for (String piece : pieces) {
            body.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                    + "\"function\":{\"arguments\":\"").append(piece).append("\"}}]}}]}\n\n");
        }
        return body.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: [DONE]\n\n").toString();
    }

    /** {@code calls} whole calls in one chunk each, then the finish and the end marker. */
    private static String parallelCallsStream(int calls) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < calls; i++) {
            body.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":").append(i)
                    .append(",\"id\":\"call_").append(i).append("\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                            + "\"arguments\":\"{}\"}}]}}]}\n\n");
        }
        return body.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: [DONE]\n\n").toString();
    }

    private static void assertCapFailure(RecordingSink sink, String message) {
        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertFalse(error.retryable(), "the same request would go over again");
        assertEquals(message, error.message());
        assertEquals(1, sink.events().size(), () -> "nothing of the calls goes out: " + sink.events());
    }

    @Test
    void toolArgumentsAreCappedInUtf8Bytes() throws Exception {
        // 18 bytes in 13 chars: over a 16-byte cap only when counted as the bytes they are.
        upstream.server().enqueue(sse(toolCallStream("f", "{\\\"a\\\":", "\\\"ééééé\\\"}")));

        RecordingSink sink = upstream.streamToEnd(provider(null, "m").withLimits(new StreamLimits(16, 32)), HELLO);

        assertCapFailure(sink, "upstream sent tool call arguments over 16 bytes");
    }

    @Test
    void toolArgumentsUpToTheCapPass() throws Exception {
        upstream.server().enqueue(sse(toolCallStream("f", "{\\\"a\\\":", "\\\"ééééé\\\"}")));

        RecordingSink sink = upstream.streamToEnd(provider(null, "m").withLimits(new StreamLimits(18, 32)), HELLO);

        assertEquals(List.of(new UpstreamEvent.ToolCall("call_1", "f", "{\"a\":\"ééééé\"}"),
                new UpstreamEvent.Completed("tool_calls", io.streamgate.llm.Usage.NONE)), sink.events());
    }

    @Test
    void toolArgumentsOverTheDefaultMebibyteEndTheStream() throws Exception {
        String piece = "x".repeat(64 * 1024); // each event well under the event cap; together one byte over 1 MiB
        String[] pieces = new String[17];
        java.util.Arrays.fill(pieces, piece);
        pieces[16] = "y";

        upstream.server().enqueue(sse(toolCallStream("f", pieces)));

        assertCapFailure(upstream.streamToEnd(provider(null, "m"), HELLO), "upstream sent tool call arguments over 1048576 bytes");
    }

    @Test
    void moreToolCallsThanTheDefault32InOneStepEndTheStream() throws Exception {
        upstream.server().enqueue(sse(parallelCallsStream(33)));

        assertCapFailure(upstream.streamToEnd(provider(null, "m"), HELLO), "upstream sent more than 32 tool calls in one step");
    }

    @Test
    void toolCallsUpToTheCapPass() throws Exception {
        upstream.server().enqueue(sse(parallelCallsStream(3)));

        RecordingSink sink = upstream.streamToEnd(provider(null, "m").withLimits(new StreamLimits(1024, 3)), HELLO);

        assertEquals(4, sink.events().size(), () -> "three calls and the end: " + sink.events());
        assertInstanceOf(UpstreamEvent.Completed.class, sink.awaitTerminal());
    }

    @Test
    void aToolNameOver256CharsEndsTheStream() throws Exception {
        upstream.server().enqueue(sse(toolCallStream("n".repeat(256), "{}")));
        upstream.server().enqueue(sse(toolCallStream("n".repeat(257), "{}")));

        assertInstanceOf(UpstreamEvent.Completed.class, upstream.streamToEnd(provider(null, "m"), HELLO).awaitTerminal());
        assertCapFailure(upstream.streamToEnd(provider(null, "m"), HELLO), "upstream sent a tool name over 256 characters");
    }

    @Test
    void anEventOverTheCapEndsTheStreamNotRetryably() throws Exception {
        upstream.useMaxEventBytes(256);
        String big = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "y".repeat(300) + "\"}}]}\r\n\r\n";
        upstream.server().enqueue(sse(TEXT_CHUNK.replace("\n", "\r\n") + big + "data: [DONE]\r\n\r\n"));

        RecordingSink sink = upstream.streamToEnd(provider(null, "m"), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertFalse(error.retryable());
        assertEquals("upstream sent an event over 256 bytes", error.message());
        assertEquals("Hel", sink.text());
    }

    @Test
    void eventsUnderTheCapPassWhateverTheirLineEndings() throws Exception {
        upstream.useMaxEventBytes(256);
        String body = TEXT_CHUNK.replace("\n", "\r") + TEXT_CHUNK.replace("\n", "\r\n") + TEXT_CHUNK
                + ": " + "c".repeat(198) + "\n" + TEXT_CHUNK // a comment line is no part of the event it precedes
                + "data: [DONE]\r\n\r\n";
        upstream.server().enqueue(sse(body));

        RecordingSink sink = upstream.streamToEnd(provider(null, "m"), HELLO);

        assertEquals("HelHelHelHel", sink.text());
        assertInstanceOf(UpstreamEvent.Completed.class, sink.awaitTerminal());
    }

    @Test
    void aLineThatNeverEndsIsCutAtTheCapNotBuffered() throws Exception {
        upstream.useMaxEventBytes(256);
        // A comment line 300 bytes long with no end, and the body held open: only the cap can end this call.
        try (ScriptedServer server = ScriptedServer.stallingAfter(ScriptedServer.chunkedSse(": " + "z".repeat(300)))) {
            RecordingSink sink = upstream.streamToEnd(OpenAiProvider.create(upstream.transport(), server.baseUrl(), null, "m"), HELLO);

            assertEquals("upstream sent an event over 256 bytes", sink.awaitFailure().message());
            assertTrue(server.awaitClosedByClient(RecordingSink.GUARD_SECONDS), "the connection is closed");
        }
    }

    @Test
    void aBodyThatDoesNotEndAfterDoneIsClosedPromptly() throws Exception {
        try (ScriptedServer server = ScriptedServer.stallingAfter(
                ScriptedServer.chunkedSse(TEXT_CHUNK + "data: [DONE]\n\n"))) {
            RecordingSink sink = upstream.streamToEnd(OpenAiProvider.create(upstream.transport(), server.baseUrl(), null, "m"), HELLO);

            assertEquals(List.of(new UpstreamEvent.TextDelta("Hel"), new UpstreamEvent.Completed("stop", io.streamgate.llm.Usage.NONE)),
                    sink.events());
            // streamToEnd saw the call finish, which the held-open body alone would never let happen.
            assertTrue(server.awaitClosedByClient(RecordingSink.GUARD_SECONDS), "the connection is closed, not kept reading");
        }
    }

    @Test
    void aBodyThatEndsAfterDoneLeavesItsConnectionForTheNextStream() throws Exception {
        upstream.server().enqueue(sse(fixture(OpenAiFixtureReplayTest.TEXT_FIXTURE)));
        upstream.server().enqueue(sse(fixture(OpenAiFixtureReplayTest.TEXT_FIXTURE)));

        upstream.streamToEnd(provider(null, "m"), HELLO);
        upstream.streamToEnd(provider(null, "m"), HELLO);

        assertEquals(upstream.server().takeRequest().getConnectionIndex(), upstream.server().takeRequest().getConnectionIndex());
    }

    @Test
    void bytesThatMakeNoEventAreReportedAsActivity() throws Exception {
        // A comment and the first piece of a tool call: nothing to publish yet, but the provider is alive.
        String quiet = ": keep-alive\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\"}}]}}]}\n\n";
        try (ScriptedServer server = ScriptedServer.stallingAfter(ScriptedServer.chunkedSse(quiet))) {
            RecordingSink sink = new RecordingSink();
            UpstreamCall call = OpenAiProvider.create(upstream.transport(), server.baseUrl(), null, "m").stream(HELLO, sink);

            assertTrue(sink.awaitActivity(), "no activity reported");
            call.cancel();
            upstream.awaitCallsFinished();
            assertTrue(sink.events().isEmpty(), () -> "events: " + sink.events());
        }
    }

    @Test
    void refusedConnectionIsUpstreamUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        RecordingSink sink = upstream.streamToEnd(
                OpenAiProvider.create(upstream.transport(), "http://127.0.0.1:" + closedPort + "/v1", null, "m"), HELLO);

        UpstreamError error = sink.awaitFailure();
        assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, error.code());
        assertTrue(error.retryable());
        assertEquals(0, error.httpStatus());
    }

    @Test
    void silentUpstreamTimesOut() throws Exception {
        upstream.useReadTimeout(Duration.ofMillis(200));
        try (ScriptedServer silent = ScriptedServer.stallingAfter("")) {
            RecordingSink sink = upstream.streamToEnd(OpenAiProvider.create(upstream.transport(), silent.baseUrl(), null, "m"), HELLO);

            UpstreamError error = sink.awaitFailure();
            assertEquals(ErrorCode.UPSTREAM_TIMEOUT, error.code());
            assertTrue(error.retryable());
        }
    }

    @Test
    void connectionDroppedMidStreamFailsOnce() throws Exception {
        try (ScriptedServer dropping = ScriptedServer.droppingAfter(ScriptedServer.chunkedSse(TEXT_CHUNK))) {
            RecordingSink sink = upstream.streamToEnd(OpenAiProvider.create(upstream.transport(), dropping.baseUrl(), null, "m"), HELLO);

            UpstreamError error = sink.awaitFailure();
            assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
            assertTrue(error.retryable());
            assertEquals("Hel", sink.text());
        }
    }

    @Test
    void cancelStopsTheCallAndPublishesNothingMore() throws Exception {
        try (ScriptedServer stalling = ScriptedServer.stallingAfter(ScriptedServer.chunkedSse(TEXT_CHUNK))) {
            RecordingSink sink = new RecordingSink();
            UpstreamCall call = OpenAiProvider.create(upstream.transport(), stalling.baseUrl(), null, "m").stream(HELLO, sink);
            sink.awaitEvents(1);

            call.cancel();
            call.cancel();

            // The server never ends the body, so the call can only finish because the cancel closed it.
            upstream.awaitCallsFinished();
            assertEquals(List.of(new UpstreamEvent.TextDelta("Hel")), sink.events());
        }
    }

    @Test
    void refusalBySinkCancelsTheCall() throws Exception {
        try (ScriptedServer stalling = ScriptedServer.stallingAfter(ScriptedServer.chunkedSse(TEXT_CHUNK + TEXT_CHUNK))) {
            RecordingSink sink = RecordingSink.refusingAfter(0);
            OpenAiProvider.create(upstream.transport(), stalling.baseUrl(), null, "m").stream(HELLO, sink);

            upstream.awaitCallsFinished();

            assertEquals(1, sink.publishCalls());
            assertTrue(sink.events().isEmpty());
        }
    }

    @Test
    void runsMoreConcurrentStreamsThanOkHttpsDefaultPerHostLimit() throws Exception {
        int streams = 12; // OkHttp's default would run 5 and queue the rest behind these never-ending streams
        try (ScriptedServer stalling = ScriptedServer.stallingAfter(ScriptedServer.chunkedSse(TEXT_CHUNK))) {
            OpenAiProvider provider = OpenAiProvider.create(upstream.transport(), stalling.baseUrl(), null, "m");
            List<RecordingSink> sinks = new ArrayList<>();
            List<UpstreamCall> calls = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                RecordingSink sink = new RecordingSink();
                sinks.add(sink);
                calls.add(provider.stream(HELLO, sink));
            }

            for (RecordingSink sink : sinks) {
                sink.awaitEvents(1);
            }
            calls.forEach(UpstreamCall::cancel);
            upstream.awaitCallsFinished();
            for (RecordingSink sink : sinks) {
                assertEquals(List.of(new UpstreamEvent.TextDelta("Hel")), sink.events());
            }
        }
    }
}
