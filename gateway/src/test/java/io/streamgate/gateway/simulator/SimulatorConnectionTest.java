package io.streamgate.gateway.simulator;

import io.streamgate.gateway.testing.SseParser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connection-level behaviour over raw sockets: keep-alive, pipelining, disconnects. */
class SimulatorConnectionTest {

    private static final String STREAM = """
            {"messages":[{"role":"user","content":"hi"}],"stream":true}""";
    private static final String WHOLE = """
            {"messages":[{"role":"user","content":"hi"}]}""";

    @Test
    void manySequentialRequestsShareOneConnection() throws Exception {
        try (Simulator sim = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, 8, 0));
             RawHttpConnection conn = new RawHttpConnection(sim.baseUrl())) {
            for (int i = 0; i < 20; i++) {
                conn.sendCompletion(i % 2 == 0 ? STREAM : WHOLE);
                RawHttpConnection.Response res = conn.readResponse();
                assertEquals(200, res.status());
                assertTrue(res.body().contains(SimulatedText.token(7).strip()), res.body());
            }
            conn.sendCompletion("{oops");
            assertEquals(400, conn.readResponse().status());
            conn.sendCompletion(STREAM);
            assertEquals("[DONE]", SseParser.parse(conn.readResponse().body()).getLast().data());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        SimulatorSettings paced = new SimulatorSettings(Duration.ofMillis(1), Duration.ofMillis(1), 5, 0);
        try (Simulator sim = Simulator.start(paced);
             RawHttpConnection conn = new RawHttpConnection(sim.baseUrl())) {
            List<String> bodies = List.of(STREAM, WHOLE, "{", STREAM);
            for (String b : bodies) {
                conn.sendCompletion(b);
            }
            List<Integer> statuses = List.of(200, 200, 400, 200);
            for (int i = 0; i < bodies.size(); i++) {
                RawHttpConnection.Response res = conn.readResponse();
                assertEquals(statuses.get(i), res.status(), "response " + i);
                assertEquals(bodies.get(i) == STREAM ? "text/event-stream; charset=utf-8" : "application/json",
                        res.headers().get("content-type"), "response " + i);
            }
        }
    }

    @Test
    void clientHangingUpMidStreamCancelsTheAnswer() throws Exception {
        // An hour between tokens: the answer can only end by cancellation, and close() must not wait for it.
        SimulatorSettings stuck = new SimulatorSettings(Duration.ZERO, Duration.ofHours(1), 5, 0);
        try (Simulator sim = Simulator.start(stuck)) {
            try (RawHttpConnection conn = new RawHttpConnection(sim.baseUrl())) {
                conn.sendCompletion(STREAM);
                assertEquals(200, conn.readHead().status());
                assertTrue(conn.readChunk().contains("\"role\":\"assistant\""));
                assertTrue(conn.readChunk().contains("\"content\":\"(simulated)\""), "first token comes at once");
            }
            try (RawHttpConnection again = new RawHttpConnection(sim.baseUrl())) {
                again.sendCompletion(WHOLE);
                assertEquals(200, again.readResponse().status());
            }
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (Simulator sim = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, 3, 0));
             RawHttpConnection http10 = new RawHttpConnection(sim.baseUrl())) {
            http10.sendRaw("POST /v1/chat/completions HTTP/1.0\r\nContent-Length: " + STREAM.length() + "\r\n\r\n" + STREAM);
            RawHttpConnection.Response res = http10.readHead();
            assertEquals(200, res.status());
            String body = new String(http10.readToEnd(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(body.startsWith("data: {") && body.endsWith("data: [DONE]\n\n"), "no chunked framing for HTTP/1.0: " + body);
            assertEquals("[DONE]", SseParser.parse(body).getLast().data(), "the body ends where the server closes");
        }
    }

    @Test
    void slowReaderGetsTheWholeAnswerThroughBackpressure() throws Exception {
        // A few MB: far beyond the small receive window, so the server must pause. Ends on a whole sentence.
        int tokens = SimulatedText.wholeSentences(20_000);
        try (Simulator sim = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, tokens, 0));
             RawHttpConnection conn = new RawHttpConnection(sim.baseUrl(), 4096)) {
            conn.sendCompletion(STREAM);
            List<SseParser.Event> events = SseParser.parse(conn.readResponse().body());
            assertEquals(1 + tokens + 3, events.size());
            StringBuilder text = new StringBuilder();
            for (SseParser.Event e : events.subList(1, 1 + tokens)) {
                text.append(TestJson.deltaContent(e.data()));
            }
            assertEquals(SimulatedText.text(tokens), text.toString());
        }
    }
}
