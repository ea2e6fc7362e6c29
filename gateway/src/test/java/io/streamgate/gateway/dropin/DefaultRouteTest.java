package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.RawHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With nothing configured (no key, no routes file, the built-in simulator), both drop-in endpoints answer, as the
 * README's curl examples show: {@code make run} needs nothing.
 */
class DefaultRouteTest {

    private final GatewayUnderTest gateway = GatewayUnderTest.start(null,
            "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "0");

    @AfterEach
    void close() {
        gateway.close();
    }

    private String post(String path, String body) throws Exception {
        try (RawHttpClient client = RawHttpClient.connect(gateway.port()).send("POST", path, body).readHead()) {
            assertEquals(200, client.status());
            return client.readBody();
        }
    }

    @Test
    void chatCompletionsAndMessagesAnswerFromTheSimulator() throws Exception {
        String openAi = post("/v1/chat/completions",
                "{\"model\":\"any-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        assertTrue(openAi.startsWith("data: {") && openAi.endsWith("data: [DONE]\n\n"), openAi);
        assertTrue(openAi.contains("(simulated)"), openAi);

        String anthropic = post("/v1/messages", "{\"model\":\"any-model\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        assertTrue(anthropic.startsWith("event: message_start\n"), anthropic);
        assertTrue(anthropic.endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), anthropic);

        String whole = post("/v1/messages", "{\"model\":\"any-model\",\"max_tokens\":64,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        assertTrue(whole.startsWith("{\"id\":\"msg_") && whole.contains("\"stop_reason\":\"end_turn\""), whole);
    }
}
