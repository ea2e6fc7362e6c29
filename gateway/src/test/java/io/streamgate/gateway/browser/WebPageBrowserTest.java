package io.streamgate.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.GatewayUnderTest;
import java.time.Duration;
import java.util.List;
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
 * reload renders the stored conversation again from {@code GET /api/v1/conversations/{id}}.
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

        page.navigate().refresh();
        await(page, "the stored history after the reload",
                d -> !d.findElements(By.cssSelector("[data-role=user], .history-note, .notice.error")).isEmpty());
        assertEquals(conversation, page.findElement(By.id("conversation")).getDomProperty("value"));
        assertTurnRendered(page, "history");
        assertTrue(page.findElements(By.cssSelector(".history-note")).isEmpty(), () -> "rendered as new: " + transcript(page));
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
