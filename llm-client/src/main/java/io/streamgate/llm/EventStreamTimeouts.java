package io.streamgate.llm;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Protocol;
import okhttp3.Response;

/**
 * Takes OkHttp's read timeout off an event stream's body once the response head has arrived.
 *
 * <p>Why: OkHttp enforces its read timeout on every socket read twice, with the socket's {@code SO_TIMEOUT} (on a
 * virtual thread, a timed park that schedules and cancels a timer task per read) and with okio's watchdog queue.
 * A token stream does one read per token, so that was about a tenth of the gateway's CPU in the heavy benchmark.
 * The read timeout still bounds the wait for the head, where only OkHttp is waiting (and a hung upstream can
 * still be retried or failed over). Once the body flows, the gateway's own watchdog bounds the silence: each read
 * only stamps the time ({@link TokenSink#activity()}), one lazy timer checks it, and the watchdog knows when the
 * client or a tool is the slow party instead.
 *
 * <p>A network interceptor: it needs the connection. The timeouts are set again for the connection's next
 * exchange, so a reused connection is unaffected.
 */
public final class EventStreamTimeouts implements Interceptor {

    public static final EventStreamTimeouts INSTANCE = new EventStreamTimeouts();

    private EventStreamTimeouts() {}

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        if (!SseEofGuard.isEventStream(response.body())) {
            return response;
        }
        response.body().source().timeout().timeout(0, TimeUnit.MILLISECONDS);
        Connection connection = chain.connection();
        if (connection != null && connection.protocol() != Protocol.HTTP_2) {
            // HTTP/2 reads happen on the connection's reader thread, shared by every stream: leave its socket alone.
            Socket socket = connection.socket();
            socket.setSoTimeout(0);
        }
        return response;
    }
}
