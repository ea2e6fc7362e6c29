package io.streamgate.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.streamgate.gateway.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpToolTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1");

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger redirectTargetHits = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/echo", recording(ex -> reply(ex, 200, "application/json", "{\"got\":" + last() + "}")));
        server.createContext("/fail", recording(ex -> reply(ex, 503, "application/json", "{\"error\":\"down\"}")));
        server.createContext("/text", recording(ex -> reply(ex, 200, "text/plain", "hello")));
        server.createContext("/big", recording(ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no Content-Length to trust
            try (OutputStream out = ex.getResponseBody()) {
                out.write('"');
                byte[] block = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 40; i++) {
                    out.write(block);
                }
                out.write('"');
            } catch (IOException ignored) {
                // the client stops reading at the cap
            }
        }));
        server.createContext("/redirect", recording(ex -> {
            ex.getResponseHeaders().add("Location", "/target");
            reply(ex, 302, "application/json", "{}");
        }));
        server.createContext("/target", ex -> {
            redirectTargetHits.incrementAndGet();
            reply(ex, 200, "application/json", "{\"followed\":true}");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String last() {
        return bodies.getLast();
    }

    private HttpHandler recording(HttpHandler handler) {
        return ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            handler.handle(ex);
        };
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private HttpTool tool(String path) {
        return tool(path, LOOPBACK);
    }

    private HttpTool tool(String path, Set<String> allowed) {
        String json = """
                [{"name": "probe", "description": "test", "url": "%s",
                  "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}]"""
                .formatted(url(path));
        return HttpTool.fromConfig(json, allowed, TIMEOUT).getFirst();
    }

    @Test
    void postsTheArgumentsAndReturnsTheJsonReply() throws ToolException {
        HttpTool tool = tool("/echo");
        assertEquals("probe", tool.name());
        assertEquals("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}", tool.spec().parametersSchema());
        assertEquals("{\"got\":{\"q\":\"caf\u00e9\"}}", tool.call("{\"q\":\"caf\u00e9\"}"));
        assertEquals(List.of("{\"q\":\"caf\u00e9\"}"), bodies);
    }

    @Test
    void aNon2xxReplyIsAnError() {
        assertEquals("tool 'probe' answered HTTP status 503",
                assertThrows(ToolException.class, () -> tool("/fail").call("{}")).getMessage());
    }

    @Test
    void aReplyThatIsNotJsonIsAnError() {
        assertEquals("tool 'probe' did not answer JSON",
                assertThrows(ToolException.class, () -> tool("/text").call("{}")).getMessage());
    }

    @Test
    void anOversizedReplyIsCutOffAtTheCap() {
        assertEquals("tool 'probe' answered more than 256 KiB",
                assertThrows(ToolException.class, () -> tool("/big").call("{}")).getMessage());
    }

    @Test
    void redirectsAreNotFollowed() {
        assertEquals("tool 'probe' answered HTTP status 302",
                assertThrows(ToolException.class, () -> tool("/redirect").call("{}")).getMessage());
        assertEquals(0, redirectTargetHits.get());
    }

    @Test
    void aHostOffTheAllowlistIsRefusedBeforeAnyRequest() {
        ConfigException e = assertThrows(ConfigException.class, () -> tool("/echo", Set.of("tools.example.com")));
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertEquals(List.of(), bodies);
    }

    @Test
    void anUnreachableHostIsAnErrorThatDoesNotShowTheUrl() throws IOException {
        HttpTool tool = tool("/echo");
        server.stop(0);
        ToolException e = assertThrows(ToolException.class, () -> tool.call("{}"));
        assertEquals("tool 'probe' could not be reached", e.getMessage());
        start(); // for @AfterEach
    }

    @Test
    void throughTheRunnerAnHttpFailureIsAnErrorResult() throws Exception {
        ToolRunner runner = new ToolRunner(ToolRegistry.of(List.of(tool("/fail"))));
        ToolResult r = runner.runAll(List.of(new io.streamgate.llm.UpstreamEvent.ToolCall("1", "probe", "{}")), Set.of("probe"))
                .getFirst();
        assertEquals(new ToolResult("1", "probe", "{\"error\":\"tool 'probe' answered HTTP status 503\"}", true), r);
    }
}
