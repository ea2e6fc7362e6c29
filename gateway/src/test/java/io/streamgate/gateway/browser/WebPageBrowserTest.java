package io.streamgate.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import io.streamgate.gateway.testing.GatewayUnderTest;
import io.streamgate.gateway.testing.RawHttpClient;
import io.streamgate.gateway.testing.TestUpstream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real browser against a gateway whose upstream is the built-in simulator: a
 * question that needs a tool streams a tool call, its result and the simulated answer, and a
 * reload renders the stored conversation again (thinking, tool cards and figures) from
 * {@code GET /api/v1/conversations/{id}}. The empty page offers three example prompts; the thinking
 * block is open while reasoning streams and folds when the answer starts (driven step by step
 * through a scripted provider). An answer replayed from the answer cache wears a "cached" badge, live and after a
 * reload.
 *
 * <p>Waits are on conditions in the page ({@link WebDriverWait}); the guard only ends a hung test.
 */
class WebPageBrowserTest {

    private static final Duration GUARD = Duration.ofSeconds(30);
    private static final String QUESTION = "What time is it?";

    private static GatewayUnderTest gateway;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.requireInstalled();
        gateway = GatewayUnderTest.start(null,
                "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "1");
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    @Test
    void toolCallStreamsAndTheConversationSurvivesAReload() {
        WebDriver page = chromium.driver();
        page.get("http://127.0.0.1:" + gateway.port() + "/");
        await(page, "the simulated-upstream banner", d -> d.findElement(By.id("banner")).getText().contains("Simulated"));
        String conversation = page.findElement(By.id("conversation")).getDomProperty("value");
        assertFalse(conversation.isBlank(), "the page picks a conversation id");

        page.findElement(By.id("input")).sendKeys(QUESTION);
        page.findElement(By.id("send")).click();
        await(page, "the stream to end with complete_state figures or an error",
                d -> !d.findElements(By.cssSelector(".figures, .notice.error")).isEmpty());
        assertTrue(page.findElements(By.cssSelector(".notice.error")).isEmpty(), () -> "stream failed: " + transcript(page));
        assertTurnRendered(page, "live");
        assertTrue(page.findElement(By.cssSelector(".figures")).getText().contains("finish_reason"),
                () -> "complete_state figures: " + transcript(page));
        assertTrue(page.getCurrentUrl().endsWith("#" + conversation), "the URL names the conversation: " + page.getCurrentUrl());

        awaitStored(gateway, page);
        page.navigate().refresh();
        await(page, "the stored history after the reload",
                d -> !d.findElements(By.cssSelector("[data-role=user], .history-note, .notice.error")).isEmpty());
        assertEquals(conversation, page.findElement(By.id("conversation")).getDomProperty("value"));
        assertTurnRendered(page, "history");
        assertTrue(page.findElements(By.cssSelector(".history-note")).isEmpty(), () -> "rendered as new: " + transcript(page));
        assertFiguresShown(page, "history");
    }

    @Test
    void theEmptyPageOffersThreeExamplePromptsAndEachOneSendsItself() {
        WebDriver page = chromium.driver();
        page.get("http://127.0.0.1:" + gateway.port() + "/");
        for (String example : List.of("time", "arithmetic", "think")) {
            page.findElement(By.id("new-conversation")).click();
            await(page, "the example prompts on the empty page", d -> d.findElement(By.id("examples")).isDisplayed());
            List<WebElement> choices = page.findElements(By.cssSelector("#examples button[data-prompt]"));
            assertEquals(List.of("time", "arithmetic", "think"),
                    choices.stream().map(b -> b.getDomAttribute("data-example")).toList());
            WebElement choice = page.findElement(By.cssSelector("#examples button[data-example=" + example + "]"));
            String prompt = choice.getDomAttribute("data-prompt");
            choice.click();
            awaitEnd(page);
            assertFalse(page.findElement(By.id("examples")).isDisplayed(), "the examples leave once a message is sent");
            assertTrue(page.findElements(By.cssSelector("[data-role=user]")).stream()
                    .anyMatch(u -> u.getText().contains(prompt)), () -> example + ": prompt not sent: " + transcript(page));
            switch (example) {
                case "time" -> assertCard(page, "current_time");
                case "arithmetic" -> {
                    assertCard(page, "calculator");
                    assertTrue(assistantText(page).contains("84"), () -> "12 * (3 + 4): " + transcript(page));
                }
                default -> {
                    WebElement thinking = page.findElement(By.cssSelector("details[data-role=thinking]"));
                    assertTrue(thinking.getDomProperty("textContent").contains("Let me think"), thinking::getText);
                    assertEquals("false", thinking.getDomProperty("open"), "folded once the answer came");
                    String answer = assistantText(page);
                    assertTrue(answer.endsWith("."), () -> "the simulated answer ends a sentence: " + answer);
                }
            }
        }

        // The last one (think) again after a reload: thinking (folded) and the figures come from the history.
        awaitStored(gateway, page);
        page.navigate().refresh();
        await(page, "the stored thinking after the reload",
                d -> !d.findElements(By.cssSelector("details[data-role=thinking], .notice.error")).isEmpty());
        WebElement thinking = page.findElement(By.cssSelector("details[data-role=thinking]"));
        assertTrue(thinking.getDomProperty("textContent").contains("Let me think"), thinking::getText);
        assertEquals("false", thinking.getDomProperty("open"));
        assertFiguresShown(page, "history");
        assertFalse(page.findElement(By.id("examples")).isDisplayed(), "a conversation with messages offers none");
    }

    @Test
    void thinkingIsOpenWhileItStreamsAndFoldsWhenTheAnswerStarts() throws Exception {
        try (TestUpstream upstream = new TestUpstream(); GatewayUnderTest scripted = GatewayUnderTest.start(upstream.baseUrl())) {
            var live = upstream.live();
            WebDriver page = chromium.driver();
            page.get("http://127.0.0.1:" + scripted.port() + "/");
            page.findElement(By.id("input")).sendKeys("Why?");
            page.findElement(By.id("send")).click();
            TestUpstream.LiveStream stream = live.get(GUARD.toSeconds(), TimeUnit.SECONDS);

            stream.send(delta("reasoning_content", "Weighing it up."));
            await(page, "the thinking to arrive", d -> d.findElements(By.cssSelector("details[data-role=thinking]")).stream()
                    .anyMatch(t -> t.getDomProperty("textContent").contains("Weighing it up.")));
            WebElement thinking = page.findElement(By.cssSelector("details[data-role=thinking]"));
            assertEquals("true", thinking.getDomProperty("open"), "open while reasoning streams");
            stream.send(delta("reasoning_content", " Still weighing."));
            await(page, "more thinking", d -> thinking.getDomProperty("textContent").contains("Still weighing."));
            assertEquals("true", thinking.getDomProperty("open"), "still open: no answer yet");

            stream.send(delta("content", "Because."));
            await(page, "the answer to start", d -> assistantText(d).contains("Because."));
            assertEquals("false", thinking.getDomProperty("open"), "folded once the answer starts");

            stream.send("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                    + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3}}\n\ndata: [DONE]\n\n");
            stream.end();
            awaitEnd(page);

            awaitStored(scripted, page);
            page.navigate().refresh();
            await(page, "the stored answer after the reload",
                    d -> !d.findElements(By.cssSelector(".figures, .notice.error")).isEmpty());
            WebElement stored = page.findElement(By.cssSelector("details[data-role=thinking]"));
            assertTrue(stored.getDomProperty("textContent").contains("Weighing it up. Still weighing."), stored::getText);
            assertEquals("false", stored.getDomProperty("open"), "a replayed answer shows its thinking folded");
            assertTrue(assistantText(page).contains("Because."));
            String figures = page.findElement(By.cssSelector(".figures")).getText();
            assertTrue(figures.contains("total_tokens 3") && figures.contains("prompt_tokens 4")
                    && figures.contains("finish_reason stop"), figures);
        }
    }

    @Test
    void anAnswerFromTheCacheWearsABadgeLiveAndAfterAReload() {
        try (GatewayUnderTest cached = GatewayUnderTest.start(null, "STREAMGATE_CACHE", "exact",
                "STREAMGATE_SIM_FIRST_TOKEN_DELAY_MS", "0", "STREAMGATE_SIM_TOKEN_INTERVAL_MS", "1")) {
            WebDriver page = chromium.driver();
            page.get("http://127.0.0.1:" + cached.port() + "/");
            await(page, "the simulated-upstream banner", d -> d.findElement(By.id("banner")).getText().contains("Simulated"));
            String question = "Tell me about streaming gateways.";

            page.findElement(By.id("input")).sendKeys(question);
            page.findElement(By.id("send")).click();
            awaitEnd(page);
            assertTrue(page.findElements(By.cssSelector(".badge.cached")).isEmpty(), "the first answer is the provider's");
            String first = assistantText(page);

            page.findElement(By.id("new-conversation")).click();
            page.findElement(By.id("input")).sendKeys(question);
            page.findElement(By.id("send")).click();
            awaitEnd(page);
            assertEquals(first, assistantText(page), "the same answer, replayed");
            WebElement badge = page.findElement(By.cssSelector(".figures .badge.cached"));
            assertEquals("cached", badge.getText());

            awaitStored(cached, page);
            page.navigate().refresh();
            await(page, "the stored answer after the reload",
                    d -> !d.findElements(By.cssSelector(".figures, .notice.error")).isEmpty());
            assertEquals(1, page.findElements(By.cssSelector(".figures .badge.cached")).size(),
                    () -> "the stored figures keep the mark: " + transcript(page));
        }
    }

    private static String delta(String field, String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"" + field + "\":\"" + text
                + "\"},\"finish_reason\":null}]}\n\n";
    }

    /** The answer is stored after its stream ended, off the event loop: a reload before that would miss it. */
    private static void awaitStored(GatewayUnderTest gateway, WebDriver page) {
        String id = page.findElement(By.id("conversation")).getDomProperty("value");
        Await.until("the answer of " + id + " is stored", () -> {
            try (RawHttpClient r = RawHttpClient.connect(gateway.port())
                    .send("GET", "/api/v1/conversations/" + id, null).readHead()) {
                return r.status() == 200 && r.readBody().contains("\"stats\"");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static void awaitEnd(WebDriver page) {
        await(page, "the stream to end with complete_state figures or an error",
                d -> !d.findElements(By.cssSelector(".figures, .notice.error")).isEmpty());
        assertTrue(page.findElements(By.cssSelector(".notice.error")).isEmpty(), () -> "stream failed: " + transcript(page));
    }

    private static void assertCard(WebDriver page, String tool) {
        for (String kind : List.of("tool-call", "tool-result")) {
            assertTrue(page.findElements(By.cssSelector(".card." + kind)).stream()
                            .anyMatch(c -> tool.equals(c.getDomAttribute("data-tool-name"))),
                    () -> "no " + kind + " card for " + tool + " in " + transcript(page));
        }
    }

    private static String assistantText(WebDriver page) {
        return page.findElements(By.cssSelector("[data-role=assistant-text]")).stream()
                .map(WebElement::getText).reduce("", String::concat).strip();
    }

    /** The figures line that complete_state (live) or the stored stats (replayed) give. */
    private static void assertFiguresShown(WebDriver page, String when) {
        List<WebElement> figures = page.findElements(By.cssSelector(".figures"));
        assertFalse(figures.isEmpty(), () -> when + ": no figures in " + transcript(page));
        String text = figures.getLast().getText();
        for (String part : List.of("total_tokens ", "total_chunks ", "elapsed ", "finish_reason stop", "first token ")) {
            assertTrue(text.contains(part), () -> when + ": '" + part + "' missing from " + text);
        }
    }

    @Test
    void anIdWithAColonGoesIntoThePathAsItIs() {
        // The gateway refuses percent-encoded paths, so the page must not send ':' as %3A.
        WebDriver page = chromium.driver();
        page.get("http://127.0.0.1:" + gateway.port() + "/#team:plan-1");
        await(page, "the simulated-upstream banner", d -> d.findElement(By.id("banner")).getText().contains("Simulated"));
        assertEquals("team:plan-1", page.findElement(By.id("conversation")).getDomProperty("value"));
        page.findElement(By.id("input")).sendKeys(QUESTION);
        page.findElement(By.id("send")).click();
        await(page, "the stream to end with complete_state figures or an error",
                d -> !d.findElements(By.cssSelector(".figures, .notice.error")).isEmpty());
        assertTrue(page.findElements(By.cssSelector(".notice.error")).isEmpty(), () -> "stream failed: " + transcript(page));
        assertTurnRendered(page, "live");
    }

    /**
     * One user question answered through current_time: the question, both tool cards and the
     * simulated text. Called once the turn is complete on the page, so it checks without waiting.
     */
    private static void assertTurnRendered(WebDriver page, String when) {
        assertTrue(page.findElements(By.cssSelector("[data-role=user]")).stream().anyMatch(u -> u.getText().contains(QUESTION)),
                () -> when + ": no user message in " + transcript(page));
        assertTrue(page.findElements(By.cssSelector(".card.tool-call")).stream()
                        .anyMatch(c -> "current_time".equals(c.getDomAttribute("data-tool-name")) && c.getText().contains("current_time")),
                () -> when + ": no tool-call card for current_time in " + transcript(page));
        assertTrue(page.findElements(By.cssSelector(".card.tool-result")).stream()
                        .anyMatch(c -> "current_time".equals(c.getDomAttribute("data-tool-name"))),
                () -> when + ": no tool-result card for current_time in " + transcript(page));
        assertTrue(page.findElements(By.cssSelector("[data-role=assistant-text]")).stream()
                        .anyMatch(t -> t.getText().contains("(simulated)")),
                () -> when + ": no final assistant text in " + transcript(page));
    }

    private static void await(WebDriver page, String what, Function<WebDriver, Boolean> condition) {
        try {
            new WebDriverWait(page, GUARD).until(condition::apply);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "; the page shows:\n" + transcript(page), e);
        }
    }

    private static String transcript(WebDriver page) {
        return page.findElement(By.id("transcript")).getText();
    }
}
