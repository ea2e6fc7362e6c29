package io.streamgate.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a plain socket, for tests that must control reading: it decodes the response
 * head and chunked bodies by hand and feeds the body to an {@link SseParser}, so a test can stop reading (a slow
 * client), read event by event, or drop the connection mid-stream.
 *
 * <p>The socket timeout only guards against a hung test; nothing here waits for time to pass.
 */
public final class RawHttpClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final SseParser sse = new SseParser();
    private int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean chunked;
    private long remaining = -1; // content-length body bytes left, when not chunked
    private boolean bodyDone;

    private RawHttpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    public static RawHttpClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** @param receiveBuffer the socket's receive buffer in bytes, or 0 for the system default */
    public static RawHttpClient connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setSoTimeout(30_000);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new RawHttpClient(s);
    }

    /** Sends a request with a JSON body (or none when {@code body} is null). */
    public RawHttpClient send(String method, String path, String body, String... extraHeaders) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n");
        if (body != null) {
            req.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
        }
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            req.append(extraHeaders[i]).append(": ").append(extraHeaders[i + 1]).append("\r\n");
        }
        req.append("\r\n");
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        out.write(bytes);
        out.flush();
        return this;
    }

    public RawHttpClient sendRaw(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** Reads the status line and headers. */
    public RawHttpClient readHead() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        status = Integer.parseInt(statusLine.split(" ")[1]);
        headers.clear();
        for (String h = readLine(); h != null && !h.isEmpty(); h = readLine()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        remaining = headers.containsKey("content-length") ? Long.parseLong(headers.get("content-length")) : -1;
        bodyDone = !chunked && remaining <= 0;
        return this;
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Reads the whole body as text. */
    public String readBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] piece;
        while ((piece = nextBodyPiece()) != null) {
            body.writeBytes(piece);
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Reads until at least one more SSE event is dispatched, or the body ends; returns what was dispatched. */
    public List<SseParser.Event> readEvents() throws IOException {
        while (true) {
            List<SseParser.Event> events = sse.drainEvents();
            if (!events.isEmpty()) {
                return events;
            }
            byte[] piece = nextBodyPiece();
            if (piece == null) {
                return sse.drainEvents();
            }
            sse.feed(piece);
        }
    }

    /** Reads events until one whose {@code content} is {@code content} has arrived; fails if the body ends first. */
    public List<SseParser.Event> readUntilContent(String content) throws IOException {
        List<SseParser.Event> seen = new java.util.ArrayList<>();
        while (seen.stream().noneMatch(e -> content.equals(Json.string(e.data(), "content")))) {
            List<SseParser.Event> more = readEvents();
            if (more.isEmpty()) {
                throw new AssertionError("the stream ended before " + content + ": " + seen);
            }
            seen.addAll(more);
        }
        return seen;
    }

    /** Reads every event until the body ends. */
    public List<SseParser.Event> readAllEvents() throws IOException {
        List<SseParser.Event> all = new java.util.ArrayList<>();
        for (List<SseParser.Event> batch = readEvents(); !batch.isEmpty(); batch = readEvents()) {
            all.addAll(batch);
        }
        return all;
    }

    /** Reads until a comment line (such as {@code : ping}) has been seen or the body ends. */
    public boolean awaitComment(String comment) throws IOException {
        return awaitComments(comment, 1);
    }

    /** Reads until {@code count} comment lines equal to {@code comment} have been seen, or the body ends. */
    public boolean awaitComments(String comment, int count) throws IOException {
        while (sse.comments().stream().filter(comment::equals).count() < count) {
            byte[] piece = nextBodyPiece();
            if (piece == null) {
                return false;
            }
            sse.feed(piece);
        }
        return true;
    }

    public SseParser sse() {
        return sse;
    }

    public boolean bodyEnded() {
        return bodyDone;
    }

    /** Whether the server closed the connection (reads end of stream). */
    public boolean serverClosed() throws IOException {
        return in.read() == -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The next piece of decoded body, or null once the body has ended. */
    private byte[] nextBodyPiece() throws IOException {
        if (bodyDone) {
            return null;
        }
        if (!chunked) {
            byte[] buf = new byte[(int) Math.min(8192, remaining)];
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed inside the body");
            }
            remaining -= n;
            bodyDone = remaining == 0;
            return java.util.Arrays.copyOf(buf, n);
        }
        String sizeLine = readLine();
        if (sizeLine == null) {
            throw new IOException("connection closed inside a chunked body");
        }
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
            for (String t = readLine(); t != null && !t.isEmpty(); t = readLine()) {
                // trailers
            }
            bodyDone = true;
            return null;
        }
        byte[] chunk = in.readNBytes(size);
        if (chunk.length != size) {
            throw new IOException("connection closed inside a chunk");
        }
        if (!"".equals(readLine())) {
            throw new IOException("chunk not followed by CRLF");
        }
        return chunk;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
}
