package io.streamgate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The inputs that make okhttp-sse 5.5.1 spin forever, or lose events, without the guard. The timeout is only a failure guard:
 * without {@link SseEofGuard} these tests do not fail, they hang.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SseEofGuardTest {

    private static final MediaType EVENT_STREAM = MediaType.get("text/event-stream");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lone CR line endings       | data: a\\r\\rdata: b\\r\\r   | event a;event b;closed",
        "CRLF cut between CR and LF | data: a\\r\\n\\r\\ndata: b\\r | event a;closed",
        "comment ending in CR       | data: a\\n\\n: ping\\r       | event a;closed",
        "plain LF                   | data: a\\n\\ndata: b\\n\\n   | event a;event b;closed",
        "lone CR after event names  | event: t\\rdata: a\\r\\revent: t\\rdata: b\\r\\r | event a;event b;closed",
        "lone CR after an id        | id: 1\\rdata: a\\r\\rid: 2\\rdata: b\\r\\r | event a;event b;closed",
        "mixed endings              | event: t\\r\\ndata: a\\r\\revent: t\\ndata: b\\r\\n\\r | event a;event b;closed",
    })
    void carriageReturnLineEndingsGiveEveryEventAndReachTheEnd(String name, String escapedBody, String expected) {
        String body = escapedBody.replace("\\r", "\r").replace("\\n", "\n");

        assertEquals(List.of(expected.split(";")), replay(body), name);
    }

    @Test
    void leavesOtherContentTypesAlone() {
        Response json = response(ResponseBody.create("{}", MediaType.get("application/json")));

        assertSame(json, SseEofGuard.guard(json));
    }

    /** Reads through a real {@code BufferedSource}, as a socket body is; an in-memory Buffer does not trigger the bug. */
    private static List<String> replay(String body) {
        Source network = new Buffer().writeUtf8(body);
        Response response = response(ResponseBody.create(Okio.buffer(network), EVENT_STREAM, -1));
        List<String> log = new ArrayList<>();
        EventSources.processResponse(SseEofGuard.guard(response), new EventSourceListener() {
            @Override
            public void onEvent(EventSource eventSource, String id, String type, String data) {
                log.add("event " + data);
            }

            @Override
            public void onClosed(EventSource eventSource) {
                log.add("closed");
            }

            @Override
            public void onFailure(EventSource eventSource, Throwable t, Response response) {
                log.add("failure " + t);
            }
        });
        return log;
    }

    private static Response response(ResponseBody body) {
        return new Response.Builder()
                .request(new Request.Builder().url("http://guard.invalid/").build())
                .protocol(Protocol.HTTP_1_1)
                .code(200)
                .message("OK")
                .header("Content-Type", String.valueOf(body.contentType()))
                .body(body)
                .build();
    }
}
