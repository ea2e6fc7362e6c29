package io.streamgate.gateway.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import io.streamgate.gateway.simulator.Simulator;
import io.streamgate.gateway.simulator.SimulatorSettings;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.TestUpstream;
import io.streamgate.gateway.testing.TestUpstream.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both SDKs through a gateway whose routes come from a routes file ({@code STREAMGATE_ROUTES_FILE}): the configured
 * models, each dialect's answer, a fallback from an overloaded Anthropic deployment to an OpenAI one, and the
 * tokens billed.
 */
class RoutesFileSdkTest {

    private static final String KEY = "key-for-team-a";

    @TempDir
    Path dir;

    private final Simulator simulator = Simulator.start(new SimulatorSettings(Duration.ZERO, Duration.ZERO, 24, 0));
    private final TestUpstream overloaded = new TestUpstream();
    private GatewayUnderTest gateway;
    private OpenAIClient openAi;
    private AnthropicClient anthropic;

    @BeforeEach
    void start() throws Exception {
        overloaded.always(new Reply.Status(529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        Path routes = dir.resolve("routes.yaml");
        Files.writeString(routes, """
                routes:
                  - model: gpt-sim
                    deployments:
                      - name: sim-openai
                        kind: openai
                        url: %1$s
                  - model: claude-sim
                    deployments:
                      - name: sim-anthropic
                        kind: anthropic
                        url: %1$s
                  - model: claude-busy
                    fallback: gpt-sim
                    deployments:
                      - name: busy-anthropic
                        kind: anthropic
                        url: %2$s
                """.formatted(simulator.baseUrl(), overloaded.baseUrl()));
        gateway = GatewayUnderTest.start(null, "STREAMGATE_ROUTES_FILE", routes.toString(),
                "STREAMGATE_API_KEYS", "team-a:" + KEY);
        openAi = OpenAIOkHttpClient.builder().apiKey(KEY)
                .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().apiKey(KEY)
                .baseUrl("http://127.0.0.1:" + gateway.port()).maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        openAi.close();
        anthropic.close();
        gateway.close();
        overloaded.close();
        simulator.close();
    }

    private String ask(String model) {
        ChatCompletion c = openAi.chat().completions().create(
                ChatCompletionCreateParams.builder().model(model).addUserMessage("Tell me something").build());
        return c.choices().getFirst().message().content().orElseThrow();
    }

    @Test
    void bothSdksOnTheConfiguredRoutes() {
        assertEquals(List.of("claude-busy", "claude-sim", "gpt-sim"),
                openAi.models().list().data().stream().map(Model::id).sorted().toList());

        String direct = ask("gpt-sim");
        assertTrue(direct.startsWith("(simulated)"), direct);
        assertEquals(direct, ask("claude-sim"), "an OpenAI client, answered by the Anthropic deployment");
        Message m = anthropic.messages().create(MessageCreateParams.builder()
                .model("gpt-sim").maxTokens(256).addUserMessage("Tell me something").build());
        assertEquals(direct, m.content().getFirst().asText().text(), "an Anthropic client, answered by the OpenAI one");
    }

    @Test
    void anOverloadedDeploymentFallsBackToAnotherProviderBeforeTheFirstByte() {
        assertEquals(ask("gpt-sim"), ask("claude-busy"));
        assertEquals(1, overloaded.requests().size(), "the overloaded deployment was tried first");
    }

    @Test
    void tokensAreBilledPerTenantAndRoute() throws Exception {
        ChatCompletion c = openAi.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-sim").addUserMessage("Tell me something").build());
        long completion = c.usage().orElseThrow().completionTokens();
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.gate().metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String series = metrics.lines()
                .filter(l -> l.startsWith("llm_tokens_total{") && l.contains("tenant=\"team-a\"")
                        && l.contains("model=\"gpt-sim\"") && l.contains("kind=\"completion\""))
                .findFirst().orElseThrow(() -> new AssertionError(metrics));
        assertEquals(completion, (long) Double.parseDouble(series.substring(series.lastIndexOf(' ') + 1)), series);
    }
}
