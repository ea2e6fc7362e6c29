package io.streamgate.llm.openai;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A raw HTTP/1.1 server for the cases MockWebServer cannot script precisely: it answers every connection with
 * fixed bytes and then either holds the socket open forever (a stalled upstream) or drops it (a broken one).
 * Holding open is what lets tests prove that a cancel, a refusal or a read timeout really ends the call: nothing
 * else would. While it holds a connection open it reads on, so it sees the client close it
 * ({@link #awaitClosedByClient}).
 */
final class ScriptedServer implements AutoCloseable {

    static final String SSE_HEADERS = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n";

    private final ServerSocket serverSocket;
    private final byte[] response;
    private final boolean dropAfterWrite;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closedByClient = new CountDownLatch(1);

    private ScriptedServer(String response, boolean dropAfterWrite) throws IOException {
        this.serverSocket = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        this.response = response.getBytes(StandardCharsets.UTF_8);
        this.dropAfterWrite = dropAfterWrite;
        Thread.ofVirtual().name("scripted-server-accept").start(this::acceptLoop);
    }

    /** Writes {@code response} (status line, headers and any body bytes) and then holds the connection open. */
    static ScriptedServer stallingAfter(String response) throws IOException {
        return new ScriptedServer(response, false);
    }

    /** Writes {@code response} and then closes the connection, whatever the headers promised. */
    static ScriptedServer droppingAfter(String response) throws IOException {
        return new ScriptedServer(response, true);
    }

    /** A chunked SSE response head with {@code events} as its first chunk, the body left open. */
    static String chunkedSse(String events) {
        int length = events.getBytes(StandardCharsets.UTF_8).length;
        return SSE_HEADERS + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(length) + "\r\n" + events + "\r\n";
    }

    String baseUrl() {
        return "http://127.0.0.1:" + serverSocket.getLocalPort() + "/v1";
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                sockets.add(socket);
                Thread.ofVirtual().name("scripted-server-conn").start(() -> answer(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void answer(Socket socket) {
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            skipRequest(in);
            OutputStream out = socket.getOutputStream();
            out.write(response);
            out.flush();
            if (dropAfterWrite) {
                socket.close();
                return;
            }
            while (in.read() != -1) {
                // whatever the client sends now (nothing, normally) until it closes the connection
            }
            closedByClient.countDown();
        } catch (IOException e) {
            // The client went away first (or reset the connection): either way it is closed.
            if (!serverSocket.isClosed()) {
                closedByClient.countDown();
            }
        }
    }

    /** Whether a client closed a connection this server was holding open, within {@code seconds}. */
    boolean awaitClosedByClient(long seconds) throws InterruptedException {
        return closedByClient.await(seconds, TimeUnit.SECONDS);
    }

    /** Reads the request head and its Content-Length body, so closing the socket later does not reset it early. */
    private static void skipRequest(InputStream in) throws IOException {
        long contentLength = 0;
        while (true) {
            String line = readLine(in);
            if (line == null || line.isEmpty()) {
                break;
            }
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(lower.substring("content-length:".length()).strip());
            }
        }
        in.skipNBytes(contentLength);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
