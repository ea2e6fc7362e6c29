package io.streamgate.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamgate.gateway.metrics.GatewayMetrics.Outcome;
import io.streamgate.llm.Usage;
import org.junit.jupiter.api.Test;

class StreamEndLineTest {

    @Test
    void aFinishedStreamsLineHasEveryFieldInOrder() {
        var line = new StreamEndLine(new StreamTag("c1", "acme", "gpt-4o", "openai"), Outcome.SUCCESS, "-", "stop",
                12_345_678, 1_500_000_000, new Usage(7, 42, -1, -1), 2, 9, 12);

        assertEquals("stream_end conversation=c1 tenant=acme model=gpt-4o provider=openai status=success error_code=-"
                + " finish_reason=stop ttft_ms=12.346 elapsed_ms=1500.000 completion_tokens=42 prompt_tokens=7"
                + " steps=2 chunks=9 events=12", line.format());
    }

    @Test
    void aStreamWithoutTextHasNoTtftAndUnknownCountsStayMinusOne() {
        var line = new StreamEndLine(new StreamTag("c1", "-", "-", "fake"), Outcome.TIMEOUT, "upstream_timeout", "-",
                -1, 20_000_000_000L, Usage.NONE, 1, 0, 1);

        assertEquals("stream_end conversation=c1 tenant=- model=- provider=fake status=timeout"
                + " error_code=upstream_timeout finish_reason=- ttft_ms=- elapsed_ms=20000.000 completion_tokens=-1"
                + " prompt_tokens=-1 steps=1 chunks=0 events=1", line.format());
    }

    @Test
    void hostileValuesAreQuotedAndEscapedSoTheLineStaysOneLine() {
        var line = new StreamEndLine(
                new StreamTag("c\"1", "t x", "m\nstream_end tenant=admin status=success", "p\u001b[31m"),
                Outcome.CANCELLED, "-", "stop\r\nforged=1", 1_000_000, 2_000_000, Usage.NONE, 1, 0, 0);

        assertEquals("stream_end conversation=\"c\\\"1\" tenant=\"t x\""
                + " model=\"m\\nstream_end tenant=admin status=success\" provider=\"p\\u001b[31m\""
                + " status=cancelled error_code=- finish_reason=\"stop\\r\\nforged=1\" ttft_ms=1.000 elapsed_ms=2.000"
                + " completion_tokens=-1 prompt_tokens=-1 steps=1 chunks=0 events=0", line.format());
    }
}
