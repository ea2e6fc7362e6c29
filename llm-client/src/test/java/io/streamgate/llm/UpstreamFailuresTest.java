package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class UpstreamFailuresTest {

    @Test
    void exceptionsBeforeTheResponseMeanUnavailableAndTimeoutsMeanTimeout() {
        assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, UpstreamFailures.forException(new ConnectException("refused"), false).code());
        assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, UpstreamFailures.forException(new UnknownHostException("x"), false).code());
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, UpstreamFailures.forException(new SocketTimeoutException("Read timed out"), false).code());
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, UpstreamFailures.forException(new SocketTimeoutException(), true).code());
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, UpstreamFailures.forException(new InterruptedIOException("timeout"), true).code());
        assertTrue(UpstreamFailures.forException(new ConnectException("refused"), false).retryable());
    }

    @Test
    void exceptionsMidStreamAreRetryableUpstreamErrors() {
        UpstreamError error = UpstreamFailures.forException(new EOFException("\\n not found"), true);

        assertEquals(ErrorCode.UPSTREAM_ERROR, error.code());
        assertTrue(error.retryable());
        assertFalse(error.message().contains("not found"), "no exception text reaches clients");
    }

    @Test
    void programmingErrorsAreInternalAndNotRetryable() {
        UpstreamError error = UpstreamFailures.forException(new IllegalStateException("bug"), true);

        assertEquals(ErrorCode.INTERNAL, error.code());
        assertFalse(error.retryable());
    }

    @Test
    void sanitizeRedactsKeysFlattensLinesAndTruncates() {
        assertEquals("bad key [redacted] here", UpstreamFailures.sanitize("bad key sk-ant-api03-abcdefgh here"));
        assertEquals("line one line two", UpstreamFailures.sanitize("line one\r\nline two"));
        String longText = UpstreamFailures.sanitize("y".repeat(1_000));
        assertEquals(UpstreamFailures.MAX_DETAIL_CHARS + 1, longText.length());
        assertTrue(longText.endsWith("…"));
        assertEquals("", UpstreamFailures.sanitize(null));
    }

    @Test
    void providerErrorBodiesOfEachShape() {
        assertEquals(new ProviderError("invalid_request_error", "model_not_found", "no such model"),
                ProviderError.parseBody("{\"error\":{\"message\":\"no such model\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"model_not_found\"}}"));
        assertEquals(new ProviderError("overloaded_error", null, "Overloaded"),
                ProviderError.parseBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        assertEquals(new ProviderError(null, null, "model 'x' not found"),
                ProviderError.parseBody("{\"error\":\"model 'x' not found\"}"));
        assertEquals(new ProviderError("NotFoundError", "404", "The model does not exist."),
                ProviderError.parseBody("{\"object\":\"error\",\"message\":\"The model does not exist.\","
                        + "\"type\":\"NotFoundError\",\"param\":null,\"code\":404}"));
        assertNull(ProviderError.parseBody("<html>502 Bad Gateway</html>"));
        assertNull(ProviderError.parseBody("{\"error\":{\"message\":\"cut off"));
        assertNull(ProviderError.parseBody(""));
    }
}
